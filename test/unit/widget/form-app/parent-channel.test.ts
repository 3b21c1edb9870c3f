import { describe, expect, test, vi } from 'vitest';
import { findParentOrigin, openParentChannel, type FrameEnvironment } from '../../../../widget/form-app/parent-channel';

const ALLOWED = ['https://clinic.example'];

function framed(options: { ancestorOrigins?: string[]; referrer?: string } = {}) {
  const postMessage = vi.fn();
  const env: FrameEnvironment = {
    self: {},
    parent: { postMessage },
    location: { ancestorOrigins: options.ancestorOrigins },
    document: { referrer: options.referrer ?? '' },
  };
  return { env, postMessage };
}

describe('findParentOrigin', () => {
  test('prefers ancestorOrigins', () => {
    const { env } = framed({ ancestorOrigins: ['https://clinic.example', 'https://top.example'], referrer: 'https://other.example/' });

    expect(findParentOrigin(env)).toBe('https://clinic.example');
  });

  test('falls back to referrer origin', () => {
    const { env } = framed({ referrer: 'https://clinic.example:8443/intake?step=2' });

    expect(findParentOrigin(env)).toBe('https://clinic.example:8443');
  });

  test('empty ancestorOrigins uses referrer', () => {
    const { env } = framed({ ancestorOrigins: [], referrer: 'https://clinic.example/' });

    expect(findParentOrigin(env)).toBe('https://clinic.example');
  });

  test('no referrer gives undefined', () => {
    expect(findParentOrigin(framed().env)).toBeUndefined();
  });

  test('opaque origin gives undefined', () => {
    expect(findParentOrigin(framed({ ancestorOrigins: ['null'] }).env)).toBeUndefined();
    expect(findParentOrigin(framed({ referrer: 'about:blank' }).env)).toBeUndefined();
  });
});

describe('openParentChannel', () => {
  test('posts to exact allowed origin', () => {
    const { env, postMessage } = framed({ referrer: 'https://clinic.example/page' });
    const channel = openParentChannel(ALLOWED, env);

    expect(channel.post({ type: 'resize', height: 480 })).toBe(true);

    expect(channel.targetOrigin).toBe('https://clinic.example');
    expect(postMessage).toHaveBeenCalledWith({ source: 'sealpost', type: 'resize', height: 480 }, 'https://clinic.example');
  });

  test('unlisted origin gets nothing', () => {
    const { env, postMessage } = framed({ ancestorOrigins: ['https://evil.example'] });
    const channel = openParentChannel(ALLOWED, env);

    expect(channel.post({ type: 'ready' })).toBe(false);

    expect(channel.targetOrigin).toBeUndefined();
    expect(postMessage).not.toHaveBeenCalled();
  });

  test('opaque origin gets nothing', () => {
    const { env, postMessage } = framed({ ancestorOrigins: ['null'] });

    expect(openParentChannel(['null', ...ALLOWED], env).post({ type: 'ready' })).toBe(false);
    expect(postMessage).not.toHaveBeenCalled();
  });

  test('unframed page posts nothing', () => {
    const postMessage = vi.fn();
    const self = { postMessage };
    const env: FrameEnvironment = { self, parent: self, location: {}, document: { referrer: 'https://clinic.example/' } };

    expect(openParentChannel(ALLOWED, env).post({ type: 'ready' })).toBe(false);
    expect(postMessage).not.toHaveBeenCalled();
  });

  test('malformed message not sent', () => {
    const { env, postMessage } = framed({ referrer: 'https://clinic.example/' });

    expect(openParentChannel(ALLOWED, env).post({ type: 'submitted', receiptId: 'not a receipt' })).toBe(false);
    expect(postMessage).not.toHaveBeenCalled();
  });
});
