// Sign-in (Firebase mode) and the refusals of the Firebase backend.
export default {
  auth: {
    signIn: {
      title: '登录',
      subtitle: '重点项目融资调度看板',
      email: '邮箱',
      emailPlaceholder: "name{'@'}example.com",
      password: '密码',
      submit: '登录',
      submitting: '正在登录…',
      emailRequired: '请输入邮箱',
      passwordRequired: '请输入密码',
      emulatorHint: '当前连接本地模拟器（{projectId}）。示例账号：{email}，密码 {password}',
      localMode: '当前为本地演示模式，无需登录。',
      toBoard: '进入看板',
      signOut: '退出登录',
      signedOut: '已退出登录',
    },
    error: {
      appCheck: '请求未通过应用校验（App Check），请刷新页面后重试',
      signInRequired: '请先登录',
      notMember: '此账号不是本工作区的成员，请联系管理员',
      disabled: '此账号已被停用，请联系管理员',
      sessionStale: '您的角色已变更，请重新登录',
      invalidCredentials: '邮箱或密码不正确',
      tooManyAttempts: '尝试次数过多，请稍后再试',
      readDenied: '您无权查看这些数据',
      unavailable: '无法连接服务器，请检查网络后重试',
      internal: '服务器出错，请稍后再试',
      sessionEnded: '您的登录已结束（账号可能已被停用或会话已过期），请重新登录',
    },
  },
};
