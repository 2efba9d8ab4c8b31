// Workspace backup (export / import), stored-data notices of the local backend.
export default {
  workspace: {
    nav: 'Backup',
    title: 'Workspace backup and restore',
    hint: 'Export the whole workspace (projects, loans, banks, members, history, month snapshots and settings) as one versioned JSON file to keep, or import such a file into an empty workspace.',
    adminOnly: 'Only administrators can back up and restore the workspace.',
    unsupported: 'This backend cannot back up or restore from the app.',
    export: {
      title: 'Export',
      button: 'Export workspace',
      done: 'Exported {file}',
    },
    import: {
      title: 'Import',
      hint: 'Imports only into an empty workspace. The file\'s format and version are checked first; if any record cannot be read, nothing is imported.',
      choose: 'Choose a backup file',
      button: 'Import',
      chosen: 'Chosen: {file}',
      done: 'Imported {count} records',
      notJson: 'This file is not JSON: {reason}',
      notEmptyHint: 'The workspace is not empty. In the local demo you can empty it first, then import.',
    },
    clear: {
      button: 'Empty workspace',
      title: 'Empty the workspace?',
      message: 'Deletes all data in this browser (the sample is not restored) so that a backup can be imported. Export a copy first. This cannot be undone.',
      confirm: 'Empty',
      cancel: 'Cancel',
      done: 'The workspace is empty',
    },
    notice: {
      quarantined: '{count} stored record(s) could not be read (corrupt, or from a newer release). They are kept aside, not deleted; everything else works.',
      quarantinedOnServer: 'When the server opened its database, {count} stored document(s) could not be read (corrupt, or from a newer release). They are kept aside, not deleted; everything else works.',
      record: '{collection}/{id}: {reason} ({at})',
      moreRecords: 'and {count} more, in the download',
      download: 'Download these records',
      inMemoryOnly: 'This browser offers no local storage (a private window?): the data lives in this tab only and is lost when it closes.',
      dismiss: 'Dismiss',
    },
    error: {
      malformed: 'This is not a valid workspace backup: {reason}',
      newerSchema: 'This backup comes from a newer release (data version {version}); this one reads up to {supported}.',
      notEmpty: 'The workspace is not empty ({collection} holds data); a backup imports only into an empty workspace.',
      unreadableDocs: '{count} record(s) of the backup cannot be read; nothing was imported. First: {first}',
      storageWriteFailed: 'The browser refused to save ({reason}); this change was not saved and is undone. Free some storage and try again.',
    },
  },
};
