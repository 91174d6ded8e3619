/**
 * Every UI string, zh-CN first. Another language is another file of the same shape
 * (`Strings`), chosen in index.ts; components never hold literal text.
 */
import type { AlertType, CallCategory, CaseLevel, CaseStatusCode, IncidentState, Risk, UnitStatusCode } from '../contracts';

export const zhCN = {
  centerName: '潼关县综治中心',
  centerSubtitle: '智慧秦东 · 指挥大屏',
  wall: {
    dataAge: '数据更新',
    secondsAgo: (s: number) => (s < 60 ? `${s} 秒前` : s < 3600 ? `${Math.floor(s / 60)} 分钟前` : `${Math.floor(s / 3600)} 小时前`),
    noData: '暂无数据',
    stale: '数据中断',
    staleDetail: (s: number) => `已 ${s} 秒未收到服务器数据，画面可能不是最新，正在自动重连…`,
    noDataDetail: (minutes: number | null) => (minutes === null ? '尚未收到任何业务数据，请检查数据接入。' : `已 ${minutes} 分钟未收到新的业务数据，请检查数据接入。`),
    connecting: '正在连接…',
    needToken: '请使用大屏令牌打开：/wall?token=…',
    unauthorized: '大屏令牌无效',
    webglLost: '地图渲染中断，正在恢复…',
  },
  panels: {
    callsToday: '今日接警（0时起）',
    callsTodayQuestion: '今天比上周同期多还是少？',
    vsLastWeek: '较上周同期',
    sameAsLastWeek: '与上周同期持平',
    callsByHour: '24小时接警趋势',
    today: '今日',
    lastWeek: '上周同日',
    categories: '今日警情类别',
    caseFunnel: '矛盾纠纷 · 四级化解',
    caseRisk: '三色预警',
    resolutionRate: '化解率（近30天）',
    cameraOnline: '视频在线率',
    dispatch: '警力调度（近24小时）',
    feed: '最新警情（近24小时）',
    warnings: '预警信息',
    noWarnings: '暂无预警',
    acknowledged: '已签收',
    openCases: '在办案件',
    unitsAvailable: '可调警力',
    /** Chart axis units: hour of day, calls. */
    axisHour: '时',
    axisCalls: '起',
    duty: '值班要情',
    awaitingDispatch: '待派警',
    longestWait: (minutes: number) => `最长等待 ${minutes < 60 ? `${minutes} 分钟` : `${Math.floor(minutes / 60)} 小时 ${minutes % 60} 分`}`,
    noneWaiting: '无等待',
    redCases: '红色风险',
    casesOpen: '在办纠纷',
    unitCalls: '起',
    unitCases: '件',
  },
  definitions: {
    callsToday: '今日 0 时（北京时间）至今接警数；上周同期 = 7 天前同一时段。',
    resolutionRate: '近 30 天登记的矛盾纠纷中，已化解（含已结案）的比例。',
    cameraOnline: '在线摄像头 ÷ 摄像头总数；最近一次上报为"离线"的摄像头计为离线。',
    dispatch: '近 24 小时警情按处置状态统计。',
    duty: '待派警：近 24 小时已接警、尚未派警的警情及其中等待最久的时长；红色风险、在办纠纷：尚未化解的矛盾纠纷案件。',
    caseFunnel: '在办（未化解）案件当前所在层级：网格 → 村（社区） → 镇（街道） → 县。',
    warnings: '按事件时间实时产生、尚未解除的预警，红色在前。',
  },
  callCategory: {
    criminal: '刑事', public_order: '治安', traffic: '交通事故', fraud: '电信诈骗',
    'dispute.family': '家庭纠纷', 'dispute.neighbor': '邻里纠纷', 'dispute.debt': '债务纠纷', 'dispute.land': '土地纠纷',
    'dispute.labor': '劳资纠纷', help: '求助', fire: '火警', other: '其他',
  } satisfies Record<CallCategory, string>,
  alertType: {
    crowd: '人员聚集', intrusion: '区域入侵', fire_smoke: '烟火', fight: '打架斗殴', vehicle_violation: '车辆违停',
    water_danger: '涉水危险', camera_offline: '设备离线',
  } satisfies Record<AlertType, string>,
  caseLevel: { grid: '网格', village: '村（社区）', town: '镇（街道）', county: '县' } satisfies Record<CaseLevel, string>,
  caseStatus: {
    registered: '已登记', mediating: '调解中', escalated: '已上报', resolved: '已化解', closed: '已结案', reopened: '重新受理',
  } satisfies Record<CaseStatusCode, string>,
  risk: { red: '红色', yellow: '黄色', blue: '蓝色' } satisfies Record<Risk, string>,
  incidentState: { received: '已接警', dispatched: '已派警', en_route: '出警途中', on_scene: '已到场', handled: '已处置', closed: '已结警' } satisfies Record<IncidentState, string>,
  unitStatus: {
    available: '空闲', dispatched: '已派出', en_route: '在途', on_scene: '在现场', busy: '忙碌', off_duty: '下班',
  } satisfies Record<UnitStatusCode, string>,
  /** How an identifier that may carry a name or phone is shown: a kind and a short reference. */
  idRef: { case: '案件', call: '警情', alert: '告警', camera: '设备', unit: '警力', grid: '网格' },
  priority: (p: number) => (p === 1 ? '一级' : p === 2 ? '二级' : '三级'),
  map: {
    layers: '图层', gridHeat: '网格热力', warnings: '预警区域', incidents: '警情', pulse: '新警情闪烁', cameras: '摄像头', units: '警力', county: '全县',
    calls1h: '接警1小时', calls24h: '接警24小时', calls7d: '接警7天', alerts24h: '视频告警', openCases: '在办案件',
    count: '数量', per10k: '每万人',
    heatLabel: (source: 'calls' | 'alerts' | 'cases', window: '1h' | '24h' | '7d') =>
      source === 'cases' ? '在办案件' : source === 'alerts' ? '近24小时视频告警' : `近${window === '1h' ? '1小时' : window === '24h' ? '24小时' : '7天'}接警`,
  },
  login: {
    title: '值班人员登录',
    username: '用户名',
    password: '密码',
    submit: '登录',
    submitting: '正在登录…',
    invalid: '用户名或密码错误',
    locked: (seconds: number | null) => (seconds ? `登录失败次数过多，请 ${Math.ceil(seconds / 60)} 分钟后再试` : '登录失败次数过多，请稍后再试'),
    rateLimited: '登录过于频繁，请稍后再试',
    failed: '登录失败，请稍后重试',
  },
  console: {
    title: '调度台',
    signedInAs: (name: string, role: string) => `当前用户：${name}（${role}）`,
    comingNext: '调度台正在建设中，下一版本将提供警情队列、地图派警与预警处置。',
    signOut: '退出登录',
    checking: '正在确认登录状态…',
    role: { dispatcher: '调度员', analyst: '研判分析', admin: '管理员' },
  },
};

export type Strings = typeof zhCN;
