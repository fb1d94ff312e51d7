import { registerMessages } from '../kernel/messages.ts';
import { fileMessages } from './messages.ts';

registerMessages(fileMessages);

export { fileMessages } from './messages.ts';
export * from './schema.ts';
export {
  checkFile,
  configureFiles,
  contentDisposition,
  DEFAULT_FILE_MAX_BYTES,
  type FileInput,
  fileMaxBytes,
  formatBytes,
  multipartOptions,
  readStoredFile,
  readUpload,
  sendStoredFile,
  type StoredFile,
  STORED_FILE_INFO,
  type StoredFileInfo,
  storedFileInfo,
  storeFile,
  type Upload,
} from './service.ts';
export { ALLOWED_EXTENSIONS, extensionOf } from './types.ts';
