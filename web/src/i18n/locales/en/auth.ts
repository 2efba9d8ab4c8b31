// Sign-in (Firebase mode) and the refusals of the Firebase backend.
export default {
  auth: {
    signIn: {
      title: 'Sign in',
      subtitle: 'Key-Project Financing Board',
      email: 'Email',
      emailPlaceholder: "name{'@'}example.com",
      password: 'Password',
      submit: 'Sign in',
      submitting: 'Signing in…',
      emailRequired: 'Enter your email',
      passwordRequired: 'Enter your password',
      emulatorHint: 'Connected to the local emulators ({projectId}). Sample account: {email}, password {password}',
      localMode: 'This is the local demo: no sign-in needed.',
      toBoard: 'Open the board',
      signOut: 'Sign out',
      signedOut: 'Signed out',
    },
    error: {
      appCheck: 'The request failed the app check (App Check); reload the page and try again',
      signInRequired: 'Please sign in first',
      notMember: 'This account is not a member of this workspace; ask an administrator',
      disabled: 'This account has been disabled; ask an administrator',
      sessionStale: 'Your role has changed; please sign in again',
      invalidCredentials: 'Wrong email or password',
      tooManyAttempts: 'Too many attempts; try again later',
      readDenied: 'You may not see this data',
      unavailable: 'Cannot reach the server; check the network and try again',
      internal: 'Something went wrong on the server; try again later',
      sessionEnded: 'Your session has ended (the account may have been disabled or the session expired); please sign in again',
    },
  },
};
