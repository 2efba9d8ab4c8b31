// The month plan.
export default {
  plan: {
    title: 'Month plan',
    hint: 'Projects by expected drawdown month. Drag a card to another month to reschedule it, or use its "Reschedule…" menu.',
    readOnlyHint: 'Projects by expected drawdown month (read-only).',
    loading: 'Loading projects…',
    regionLabel: 'Months of the plan',
    moved: 'Moved "{name}" to {month}',
    unscheduled: 'Cleared the expected month of "{name}"',
    refused: 'Could not reschedule "{name}": {reason}',
    column: {
      overdue: 'Overdue',
      current: '{month} (this month)',
      later: 'Later',
      unscheduled: 'Unscheduled',
      planned: 'planned {amount}',
      empty: 'No projects',
    },
    card: {
      open: 'Open project: {name}',
      planned: 'Planned',
    },
    menu: {
      button: 'Reschedule…',
      label: 'Reschedule {name}',
      unschedule: 'Clear the expected month',
    },
    pva: {
      title: 'Planned vs actual disbursement',
      planned: 'planned {amount} ({n})',
      actual: 'actual {amount}',
      frozen: 'plan as frozen last month',
      legendPlanned: 'Planned',
      legendActual: 'Actual',
    },
  },
};
