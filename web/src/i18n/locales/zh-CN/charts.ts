// Chart titles and legends (ECharts, loaded on demand).
export default {
  charts: {
    loading: '图表加载中…',
    failed: '图表加载失败，请刷新重试。',
    unitWan: '万元',
    funnel: { title: '阶段漏斗', count: '按项目数', amount: '按金额（万元）' },
    trend: {
      title: '月度投放趋势',
      inMonth: '当月投放',
      cumulative: '累计投放',
      empty: '尚无关账月份。',
      liveNote: '* 为未关账的当月实时数据',
    },
    bank: { title: '银行投放排名（前十）', disbursed: '累计投放', approved: '已审批' },
    district: { title: '县区分布', need: '融资需求', approved: '已审批', disbursed: '累计投放' },
  },
};
