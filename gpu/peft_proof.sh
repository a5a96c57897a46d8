#!/usr/bin/env bash
# The peft trainer's proof on a machine with an NVIDIA GPU and Python (torch, transformers, peft, accelerate,
# safetensors; no .NET, no bitsandbytes needed), on the bundle Sonique prepared beforehand:
#
#     dotnet run -c Release --project bench/Sonique.Benchmarks -- --suite peft-gpu            # here: writes gpu/bundle/
#     gpu/peft_proof.sh [BUNDLE] [RETURNED]                                                   # there: a few minutes
#     dotnet run -c Release --project bench/Sonique.Benchmarks -- --suite peft-gpu --returned gpu/returned   # here again
#
# It trains stories15M's LoRA for a few hundred steps (the loss must fall, or it exits non-zero), then times
# 20 steps of bf16 LoRA on a random model of Mistral-7B's shape (tokens/s, MFU against the GPU's bf16 peak). It
# returns, in RETURNED (default $OUT when set, else gpu/returned): train.jsonl and benchmark.jsonl (the trainer's
# JSON lines), peft-adapter/ (the trained adapter), gpu.txt (the GPU and library versions).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bundle=$(cd "${1:-$here/bundle}" && pwd)
returned=${2:-${OUT:-$here/returned}}
trainer="$here/../src/Sonique.Training/Peft/trainer/sonique_peft.py"
python=${PYTHON:-python3}
steps=${SONIQUE_BENCHMARK_STEPS:-20}

for file in peft-job.json benchmark-job.json hf-model/config.json data/train.tokens.jsonl; do
    if [[ ! -f "$bundle/$file" ]]; then
        echo "error: the bundle '$bundle' has no $file: write it with the peft-gpu benchmark suite first" >&2
        exit 2
    fi
done

mkdir -p "$returned"
returned=$(cd "$returned" && pwd)
{
    nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm --format=csv,noheader || echo "nvidia-smi: not found"
    "$python" -c 'import torch, transformers, peft, accelerate, safetensors; print("torch", torch.__version__, "cuda", torch.version.cuda, "transformers", transformers.__version__, "peft", peft.__version__, "accelerate", accelerate.__version__)'
} > "$returned/gpu.txt"
cat "$returned/gpu.txt"

cd "$bundle"
rm -rf checkpoints peft-adapter benchmark-adapter
echo "== training stories15M (peft, bf16)"
PYTHONUNBUFFERED=1 "$python" "$trainer" --job peft-job.json | tee "$returned/train.jsonl"
rm -rf "$returned/peft-adapter"
cp -r peft-adapter "$returned/peft-adapter"

# The loss must fall: the mean of the last tenth of the steps below the first tenth's.
"$python" - "$returned/train.jsonl" <<'PY'
import json, sys
losses = [e["loss"] for e in map(json.loads, open(sys.argv[1])) if e.get("event") == "step" and isinstance(e.get("loss"), (int, float))]
tenth = max(len(losses) // 10, 1)
first, last = sum(losses[:tenth]) / tenth, sum(losses[-tenth:]) / tenth
print(f"loss over {len(losses)} steps: first tenth {first:.4f}, last tenth {last:.4f}")
sys.exit(0 if len(losses) >= 10 and last < first else 1)
PY

echo "== benchmark: bf16 LoRA on a random Mistral-7B shape, $steps steps"
PYTHONUNBUFFERED=1 "$python" "$trainer" --job benchmark-job.json --benchmark "$steps" | tee "$returned/benchmark.jsonl"
echo "returned: $returned"
