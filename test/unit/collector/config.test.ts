import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../../collector/config';

describe('collector settings', () => {
  it('treats empty variables as unset', () => {
    const config = readConfig({ HOST: '', SEALPOST_DATA_DIR: '', LOG_LEVEL: '', DATABASE_URL: '', SEALPOST_MASTER_KEY: '' });
    expect(config.host).toBe('127.0.0.1');
    expect(config.dataDir).toBe(path.resolve('data'));
    expect(config.logLevel).toBe('info');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.masterKey).toBeUndefined();
  });

  it('keeps values that are set', () => {
    const config = readConfig({ HOST: '0.0.0.0', SEALPOST_DATA_DIR: '/srv/sealpost', LOG_LEVEL: 'warn' });
    expect(config.host).toBe('0.0.0.0');
    expect(config.dataDir).toBe('/srv/sealpost');
    expect(config.logLevel).toBe('warn');
  });
});
