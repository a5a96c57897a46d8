// Essentia's classical tempo and key estimators (essentia.js, Essentia compiled to WebAssembly) on mono 16-bit
// 44.1 kHz WAV files: the reference the evaluation corpus compares ours with. One JSON line per file, in order.
// Usage: node essentia-reference.js <folder holding node_modules/essentia.js> file.wav...
'use strict';
const fs = require('fs');
const path = require('path');

const { Essentia, EssentiaWASM } = require(path.join(process.argv[2], 'node_modules', 'essentia.js'));
const essentia = new Essentia(EssentiaWASM);

function readWav(file) {
  const bytes = fs.readFileSync(file);
  if (bytes.toString('ascii', 0, 4) !== 'RIFF' || bytes.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error(`${file}: not a RIFF WAVE file`);
  }
  let offset = 12;
  let format = null;
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString('ascii', offset, offset + 4);
    const size = bytes.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      format = { channels: bytes.readUInt16LE(body + 2), rate: bytes.readUInt32LE(body + 4), bits: bytes.readUInt16LE(body + 14) };
    } else if (id === 'data') {
      if (!format || format.channels !== 1 || format.bits !== 16 || format.rate !== 44100) {
        throw new Error(`${file}: expected mono 16-bit 44.1 kHz PCM`);
      }
      const samples = new Float32Array(Math.floor(Math.min(size, bytes.length - body) / 2));
      for (let i = 0; i < samples.length; i++) {
        samples[i] = bytes.readInt16LE(body + 2 * i) / 32768;
      }
      return samples;
    }
    offset = body + size + (size % 2);
  }
  throw new Error(`${file}: no data chunk`);
}

for (const file of process.argv.slice(3)) {
  const signal = essentia.arrayToVector(readWav(file));
  const rhythm = essentia.RhythmExtractor2013(signal);
  const key = essentia.KeyExtractor(signal);
  process.stdout.write(JSON.stringify({ file, bpm: rhythm.bpm, key: key.key, scale: key.scale, strength: key.strength }) + '\n');
  signal.delete();
}
