// The month plan 月度计划.
export default {
  plan: {
    title: '月度计划',
    hint: '按预计投放月排列。拖动卡片到其他月份即可改期，或使用卡片上的“改期到…”菜单。',
    readOnlyHint: '按预计投放月排列（只读）。',
    loading: '正在读取项目…',
    regionLabel: '月度计划各月份',
    moved: '已将「{name}」改期到 {month}',
    unscheduled: '已取消「{name}」的预计投放月',
    refused: '「{name}」未能改期：{reason}',
    column: {
      overdue: '已逾期',
      current: '{month}（本月）',
      later: '更晚',
      unscheduled: '未排期',
      planned: '计划投放 {amount}',
      empty: '无项目',
    },
    card: {
      open: '打开项目：{name}',
      planned: '计划投放',
    },
    menu: {
      button: '改期到…',
      label: '改期：{name}',
      unschedule: '取消预计投放月',
    },
    pva: {
      title: '计划与实际投放',
      planned: '计划 {amount}（{n}个）',
      actual: '实际 {amount}',
      frozen: '按上月关账时的计划',
      legendPlanned: '计划',
      legendActual: '实际',
    },
  },
};
