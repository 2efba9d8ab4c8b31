/**
 * Exports the meeting's 调度表 workbook. exceljs is loaded on the first click (core's builder
 * imports it dynamically), so it is not in the first page load. Large exports report
 * their progress as rows are written; the file name is core's `scheduleFileName`
 * (重点项目融资调度表-YYYY-MM.xlsx), the one a function export would use too.
 */
import { ref } from 'vue';
import { buildScheduleWorkbook, scheduleFileName, workbookToBuffer, type Agenda } from '@clearway/core';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Starts a browser download of `bytes` under `fileName`. */
export function saveBytes(bytes: Uint8Array, fileName: string, type = XLSX_TYPE): void {
  const blob = new Blob([bytes as BlobPart], { type });
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = fileName;
  anchor.rel = 'noopener';
  anchor.style.display = 'none';
  document.body.appendChild(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function useWorkbookExport() {
  const exporting = ref(false);
  /** 0..1 while rows are written; null when no progress has been reported (small exports). */
  const progress = ref<number | null>(null);

  async function exportSchedule(agenda: Agenda, options: { cityName?: string } = {}): Promise<string> {
    exporting.value = true;
    progress.value = null;
    try {
      // The builder imports exceljs itself, on this first call (a dynamic import inside core).
      const workbook = await buildScheduleWorkbook(agenda, {
        cityName: options.cityName,
        onProgress: (done, total) => {
          progress.value = total > 0 ? done / total : null;
        },
      });
      progress.value = 1;
      const bytes = await workbookToBuffer(workbook);
      const fileName = scheduleFileName(agenda.month, options.cityName);
      saveBytes(bytes, fileName);
      return fileName;
    } finally {
      exporting.value = false;
      progress.value = null;
    }
  }

  return { exporting, progress, exportSchedule };
}
