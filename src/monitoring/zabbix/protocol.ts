import { inflateSync } from 'node:zlib';

/**
 * The Zabbix wire framing shared by the agent (passive checks, TCP 10050) and trapper/sender
 * (TCP 10051) protocols:
 *
 *   "ZBXD" | flags (1 byte) | data length | reserved | data
 *
 * flags: 0x01 = Zabbix protocol, 0x02 = zlib-compressed (reserved then holds the uncompressed
 * length), 0x04 = large packet (lengths are 8 bytes each instead of 4). Before Zabbix 4.0 the two
 * 4-byte fields were one 8-byte little-endian length; for any packet under 4 GiB the bytes are the
 * same, so one decoder reads both.
 *
 * Everything a peer sends is untrusted: wrong magic, oversize lengths and bad compression are
 * FrameErrors with a reason the listener counts; they never throw out of the decoder's caller.
 */
export const ZBX_MAGIC = Buffer.from('ZBXD', 'latin1');
export const FLAG_PROTOCOL = 0x01;
export const FLAG_COMPRESSED = 0x02;
export const FLAG_LARGE = 0x04;
/** Default ceiling on one frame's payload (the engine's, far below Zabbix's own 1 GiB). */
export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;

export type FrameErrorReason = 'bad_header' | 'too_large' | 'bad_compression' | 'truncated';

export class FrameError extends Error {
  constructor(
    readonly reason: FrameErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'FrameError';
  }
}

/** One Zabbix frame around `payload` (uncompressed, 4+4-byte lengths — what every version reads). */
export function encodeFrame(payload: string | Buffer): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const header = Buffer.alloc(13);
  ZBX_MAGIC.copy(header, 0);
  header.writeUInt8(FLAG_PROTOCOL, 4);
  header.writeUInt32LE(data.length, 5);
  header.writeUInt32LE(0, 9);
  return Buffer.concat([header, data]);
}

export type DecodeResult =
  | { kind: 'incomplete' }
  | { kind: 'frame'; payload: Buffer; consumed: number }
  /** A bare payload without "ZBXD" (pre-7.0 agents accept "key\n" this way). */
  | { kind: 'bare'; payload: Buffer; consumed: number };

/**
 * Reads one frame from the start of `buf`. `allowBare` accepts a newline-terminated payload without
 * header (only the agent request side needs it). Throws FrameError on anything malformed.
 */
export function decodeFrame(buf: Buffer, maxBytes = DEFAULT_MAX_FRAME_BYTES, allowBare = false): DecodeResult {
  const probe = Math.min(buf.length, 4);
  if (buf.subarray(0, probe).compare(ZBX_MAGIC, 0, probe) !== 0) {
    if (!allowBare) throw new FrameError('bad_header', 'the packet does not start with "ZBXD"');
    const nl = buf.indexOf(0x0a);
    if (nl < 0) {
      if (buf.length > maxBytes) throw new FrameError('too_large', `bare request longer than ${maxBytes} bytes`);
      return { kind: 'incomplete' };
    }
    return { kind: 'bare', payload: buf.subarray(0, nl), consumed: nl + 1 };
  }
  if (buf.length < 5) return { kind: 'incomplete' };
  const flags = buf.readUInt8(4);
  if ((flags & FLAG_PROTOCOL) === 0 || (flags & ~(FLAG_PROTOCOL | FLAG_COMPRESSED | FLAG_LARGE)) !== 0) {
    throw new FrameError('bad_header', `unknown protocol flags 0x${flags.toString(16)}`);
  }
  const large = (flags & FLAG_LARGE) !== 0;
  const headerLen = large ? 21 : 13;
  if (buf.length < headerLen) return { kind: 'incomplete' };
  const len = large ? buf.readBigUInt64LE(5) : BigInt(buf.readUInt32LE(5));
  const reserved = large ? buf.readBigUInt64LE(13) : BigInt(buf.readUInt32LE(9));
  if (len > BigInt(maxBytes)) throw new FrameError('too_large', `frame of ${len} bytes exceeds ${maxBytes}`);
  const compressed = (flags & FLAG_COMPRESSED) !== 0;
  if (compressed && reserved > BigInt(maxBytes)) {
    throw new FrameError('too_large', `frame inflates to ${reserved} bytes, over ${maxBytes}`);
  }
  const total = headerLen + Number(len);
  if (buf.length < total) return { kind: 'incomplete' };
  let payload = buf.subarray(headerLen, total);
  if (compressed) {
    try {
      payload = inflateSync(payload, { maxOutputLength: maxBytes });
    } catch (e) {
      throw new FrameError('bad_compression', `cannot inflate the frame: ${(e as Error).message}`);
    }
  }
  return { kind: 'frame', payload, consumed: total };
}
