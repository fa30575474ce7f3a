import { readFileSync } from 'node:fs';

/**
 * Reads `metadata_props` (ModelProto field 14) from an ONNX file: where Ultralytics stores `names`,
 * `imgsz` and `stride`. A few lines of protobuf walking, so the worker needs nothing beyond onnxruntime.
 */
export function readOnnxMetadata(path: string): Record<string, string> {
  return parseOnnxMetadata(readFileSync(path));
}

export function parseOnnxMetadata(buf: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  walk(buf, 0, buf.length, (field, start, end) => {
    if (field !== 14) return;
    let key = '';
    let value = '';
    walk(buf, start, end, (f, s, e) => {
      const text = Buffer.from(buf.buffer, buf.byteOffset + s, e - s).toString('utf8');
      if (f === 1) key = text;
      else if (f === 2) value = text;
    });
    out[key] = value;
  });
  return out;
}

/** Calls `onLen` for every length-delimited field in [pos, end); skips the other wire types. */
function walk(buf: Uint8Array, pos: number, end: number, onLen: (field: number, start: number, end: number) => void) {
  const varint = (): number => {
    let result = 0;
    let mul = 1;
    for (;;) {
      if (pos >= end) throw new Error('truncated ONNX file');
      const b = buf[pos++];
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 128;
    }
  };
  while (pos < end) {
    const tag = varint();
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (wire === 0) varint();
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      const len = varint();
      onLen(field, pos, pos + len);
      pos += len;
    } else throw new Error(`unsupported protobuf wire type ${wire} in ONNX file`);
  }
}
