// Workspace backup (export / import), stored-data notices of the local backend.
export default {
  workspace: {
    nav: '备份与恢复',
    title: '工作区备份与恢复',
    hint: '把整个工作区（项目、贷款、银行、成员、历史、月度快照与设置）导出为一个带版本号的 JSON 文件，可保存备查；也可把这样的文件导入一个空的工作区。',
    adminOnly: '仅管理员可以备份和恢复工作区。',
    unsupported: '当前后端不支持在页面中备份和恢复。',
    export: {
      title: '导出',
      button: '导出工作区',
      done: '已导出 {file}',
    },
    import: {
      title: '导入',
      hint: '只能导入到空的工作区。导入前会检查文件的格式和版本，有任何一条记录无法读取时整个文件都不导入。',
      choose: '选择备份文件',
      button: '导入',
      chosen: '已选择 {file}',
      done: '已导入 {count} 条记录',
      notJson: '这个文件不是 JSON：{reason}',
      notEmptyHint: '当前工作区不是空的。本地演示可以先清空工作区再导入。',
    },
    clear: {
      button: '清空工作区',
      title: '清空工作区？',
      message: '将删除本浏览器中的全部数据（不会恢复示例数据），以便导入备份。建议先导出一份。此操作不可撤销。',
      confirm: '清空',
      cancel: '取消',
      done: '工作区已清空',
    },
    notice: {
      quarantined: '有 {count} 条本地存储的记录无法读取（已损坏或来自更新的版本），已单独保存，没有删除，其余数据正常可用。',
      quarantinedOnServer: '服务器打开数据库时有 {count} 份存储的文档无法读取（已损坏或来自更新的版本），已隔离保存，没有删除，其余数据正常可用。',
      record: '{collection}/{id}：{reason}（{at}）',
      moreRecords: '另有 {count} 份，见下载文件',
      download: '下载这些记录',
      inMemoryOnly: '本浏览器无法使用本地存储（可能是隐私/无痕模式）：数据只保存在当前标签页中，关闭后将丢失。',
      dismiss: '知道了',
    },
    error: {
      malformed: '这不是有效的工作区备份文件：{reason}',
      newerSchema: '这个备份来自更新的版本（数据版本 {version}），当前版本只能读取到 {supported}。',
      notEmpty: '工作区不是空的（{collection} 中已有数据），只能导入到空的工作区。',
      unreadableDocs: '备份中有 {count} 条记录无法读取，未导入任何数据。第一条：{first}',
      storageWriteFailed: '浏览器拒绝保存（{reason}），本次修改没有保存，已撤销。请释放存储空间后重试。',
    },
  },
};
