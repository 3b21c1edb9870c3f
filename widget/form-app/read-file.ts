import type { AttachmentValue } from '../../sdk/form-definition';

/**
 * Reads a chosen file into an attachment answer with its bytes in base64. A
 * file over `maxBytes` is not read at all: its answer carries the size and no
 * data, so validation rejects it as too large before anything is encrypted.
 *
 * @example
 * const value = await readAttachment(input.files[0], 1_048_576);
 */
export async function readAttachment(file: File, maxBytes: number): Promise<AttachmentValue> {
  const base = { name: file.name, type: file.type, size: file.size };
  if (file.size > maxBytes) return { ...base, data: '' };

  const url = await new Promise<string>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('The file could not be read.'));
    reader.readAsDataURL(file);
  });
  return { ...base, data: url.slice(url.indexOf(',') + 1) };
}
