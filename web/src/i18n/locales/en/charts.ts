// Chart titles and legends (ECharts, loaded on demand).
export default {
  charts: {
    loading: 'Loading the chart…',
    failed: 'The chart could not be loaded; reload to try again.',
    unitWan: '10k yuan',
    funnel: { title: 'Stage funnel', count: 'By projects', amount: 'By amount (10k yuan)' },
    trend: {
      title: 'Monthly disbursement',
      inMonth: 'In the month',
      cumulative: 'Cumulative',
      empty: 'No closed month yet.',
      liveNote: '* the running month, not closed yet',
    },
    bank: { title: 'Banks by disbursement (top 10)', disbursed: 'Disbursed', approved: 'Approved' },
    district: { title: 'By district', need: 'Need', approved: 'Approved', disbursed: 'Disbursed' },
  },
};
