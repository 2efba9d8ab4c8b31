/**
 * Listeners for an `<el-form v-bind="…">`: Enter in a field (a native form submit) goes through the
 * form's own validating `submit` instead of reloading the page.
 */
export function submitOnEnter(submit: () => unknown): Record<string, unknown> {
  return {
    onSubmit: (event: Event) => {
      event.preventDefault();
      void submit();
    },
  };
}
