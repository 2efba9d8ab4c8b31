/**
 * The ids of the delivery channels' two settings documents (see ./channels). Apart from the
 * channels' schemas so that the read policy, which hides the secrets from every reader, does not
 * bring zod into what a browser loads before its first paint.
 */
export const NOTIFY_CHANNELS_DOC_ID = 'notifyChannels';
export const NOTIFY_SECRETS_DOC_ID = 'notifySecrets';
