/** A framed panel with a Chinese title; the title's tooltip states the figure's definition and window. */
import type { ReactNode } from 'react';

export default function Panel({ title, definition, children, testId, className }: { title: string; definition?: string; children: ReactNode; testId?: string; className?: string }) {
  return (
    <section className={`panel ${className ?? ''}`} data-testid={testId}>
      <h2 title={definition}>{title}{definition && <span className="def" aria-label={definition}>ⓘ</span>}</h2>
      <div className="panel-body">{children}</div>
    </section>
  );
}
