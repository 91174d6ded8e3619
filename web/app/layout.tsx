import type { ReactNode } from 'react';

export const metadata = { title: '潼关县综治中心 · 智慧秦东' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="zh-CN">
      <body style={{ margin: 0, background: '#06122b', color: '#dbe7ff', fontFamily: '"Noto Sans CJK SC", "Microsoft YaHei", sans-serif' }}>
        {children}
      </body>
    </html>
  );
}
