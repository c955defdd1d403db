// Tensor helpers for kserve_grpc.mjs: deterministic inputs, the three encodings a KServe v2
// client uses (gRPC typed contents, gRPC raw little-endian bytes, REST JSON), and float32
// comparisons by bit pattern so that "equal" means bit for bit, not "close".

/** Deterministic values in [0, 1), each exactly a float32, so every encoding carries the same numbers. */
export function floats(count, seed) {
  const out = new Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0; // a plain LCG: reproducible, no dependency
    out[i] = Math.fround(state / 2 ** 32);
  }
  return out;
}

/** Element count of a shape; a scalar ([]) holds one element. */
export function elementCount(shape) {
  return shape.reduce((n, d) => n * d, 1);
}

/** Little-endian bytes of `data` for raw_input_contents. */
export function rawBytes(datatype, data) {
  switch (datatype) {
    case 'FP32': {
      const buf = Buffer.alloc(4 * data.length);
      data.forEach((v, i) => buf.writeFloatLE(v, 4 * i));
      return buf;
    }
    case 'INT64': {
      const buf = Buffer.alloc(8 * data.length);
      data.forEach((v, i) => buf.writeBigInt64LE(BigInt(v), 8 * i));
      return buf;
    }
    default:
      throw new Error(`no raw encoder for ${datatype} in this client`);
  }
}

/** InferTensorContents for `data`, in the field the protocol assigns to the datatype. */
export function typedContents(datatype, data) {
  switch (datatype) {
    case 'FP32': return { fp32_contents: data };
    case 'INT64': return { int64_contents: data };
    default: throw new Error(`no typed encoder for ${datatype} in this client`);
  }
}

const scratch = new Float32Array(1);
const scratchBits = new Uint32Array(scratch.buffer);

/** The float32 bit pattern of a number (rounded to float32 first). */
export function float32Bits(value) {
  scratch[0] = value;
  return scratchBits[0];
}

/** Bit patterns of an FP32 output sent as typed contents (the decoder gives exact float32 values as JS numbers). */
export function bitsFromTyped(contents) {
  const values = contents?.fp32_contents ?? [];
  return Uint32Array.from(values, float32Bits);
}

/** Bit patterns of an FP32 output sent raw; read per element, as the buffer may be unaligned. */
export function bitsFromRaw(buffer) {
  if (buffer.length % 4 !== 0) throw new Error(`raw FP32 output of ${buffer.length} bytes is not a whole number of floats`);
  const bits = new Uint32Array(buffer.length / 4);
  for (let i = 0; i < bits.length; i++) bits[i] = buffer.readUInt32LE(4 * i);
  return bits;
}

/**
 * Bit patterns of an FP32 output from the JSON number texts of a REST answer. JavaScript parses a
 * JSON number to a double; Math.fround (inside float32Bits) then rounds it to float32. That equals
 * rounding the text straight to float32 whenever the text is the float's shortest round-trip form
 * (checked by shortestFloat32Problem); a rare double-rounding mismatch would show as a FAIL, never
 * as a false PASS.
 */
export function bitsFromJsonTexts(texts) {
  return Uint32Array.from(texts, (t) => float32Bits(Number(t)));
}

/**
 * Why `text` is not the shortest round-trip form of the float32 it denotes, or null when it is.
 * The shortest form has the fewest significant digits that still read back as the same float32;
 * among those, the nearest to the value (what toPrecision picks).
 */
export function shortestFloat32Problem(text) {
  const value = Math.fround(Number(text));
  if (!Number.isFinite(value)) return `${text} is not a finite float32`;
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = value.toPrecision(digits);
    if (Math.fround(Number(candidate)) === value) {
      return Number(candidate) === Number(text) ? null : `${text} is float32 ${value}, whose shortest round-trip form is ${Number(candidate)}`;
    }
  }
  return `float32 ${value} needs more than 9 digits, which cannot happen`;
}

/** null when both bit arrays are equal, else where and how they differ. */
export function bitsDiffer(want, got) {
  if (want.length !== got.length) return `${got.length} elements, expected ${want.length}`;
  for (let i = 0; i < want.length; i++) {
    if (want[i] !== got[i]) {
      const show = (b) => `${asFloat(b)} (0x${b.toString(16).padStart(8, '0')})`;
      return `element ${i} is ${show(got[i])}, expected ${show(want[i])}`;
    }
  }
  return null;
}

/** The float32 a bit pattern denotes. */
export function asFloat(bits) {
  scratchBits[0] = bits;
  return scratch[0];
}
