import { ATTACHMENT_MAX_BYTES, type AnswerField, type AnswerValue } from '../../sdk/form-definition';
import { readAttachment } from './read-file';

/**
 * Answers that no control holds as its value: chosen files and drawn
 * signatures, by field name. The form app stores them as they happen and
 * reads them back with the other answers (`readAnswers`' `stored`).
 *
 * @example
 * await stored.storeFile(field, 'referral', input);
 * readAnswers(fields, form, stored.values);
 */
export class StoredAnswers {
  readonly values = new Map<string, AnswerValue>();

  /** Reads the chosen file of an attachment field, or forgets it when the choice was cleared. */
  async storeFile(field: AnswerField | undefined, name: string, input: HTMLInputElement): Promise<void> {
    const file = input.files?.[0];
    if (!file || field?.type !== 'attachment') {
      this.values.delete(name);
      return;
    }

    const max = Math.min(field.maxBytes ?? ATTACHMENT_MAX_BYTES, ATTACHMENT_MAX_BYTES);
    try {
      this.values.set(name, await readAttachment(file, max));
    } catch {
      // An unreadable file (moved or deleted after choosing) is rejected by validation as unreadable.
      this.values.set(name, { name: file.name, type: file.type, size: file.size, data: '!' });
    }
  }

  /** Stores a drawn signature as its PNG data URL. */
  drawn(name: string, image: string): void {
    this.values.set(name, { method: 'drawn', image });
  }

  delete(name: string): void {
    this.values.delete(name);
  }

  clear(): void {
    this.values.clear();
  }
}
