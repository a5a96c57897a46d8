#!/usr/bin/env python3
"""Sonique's peft trainer: LoRA or QLoRA of a Hugging Face causal LM on token ids that Sonique prepared.

Sonique renders and tokenises the chat dataset itself (with the GGUF model's vocabulary and llama.cpp's chat
template, exactly as generation will see it) and writes one JSON line per example:
{"id": ..., "input_ids": [...], "answer_start": k}; the loss is taken on input_ids[k:]. This script trains and
streams its metrics to stdout as JSON lines (the events Sonique's C# side reads: prepared, note, resumed, step,
epoch, checkpoint, done), and saves the adapter with peft's save_pretrained.

    python sonique_peft.py --job peft-job.json            # train
    python sonique_peft.py --job peft-job.json --check    # read and size the job, no torch needed
    python sonique_peft.py --job peft-job.json --benchmark 20   # time 20 optimizer steps (tokens/s, MFU)

The job's "model" is a Hugging Face folder or hub id, or "random:<folder or preset>" for a randomly initialised
model of that shape (presets: mistral-7b), which is what a throughput benchmark needs without the weights.
"""
import argparse
import json
import math
import os
import random
import sys
import time

# Dense bf16 peaks (TFLOPS) from the vendors' data sheets, for model FLOPs utilisation.
PEAK_BF16_TFLOPS = {"H200": 989.0, "H100": 989.0, "A100": 312.0, "L40S": 362.0, "A10": 125.0, "L4": 121.0}

MISTRAL_7B = dict(
    architectures=["MistralForCausalLM"], model_type="mistral", hidden_size=4096, intermediate_size=14336,
    num_hidden_layers=32, num_attention_heads=32, num_key_value_heads=8, vocab_size=32000,
    max_position_embeddings=32768, rms_norm_eps=1e-5, rope_theta=1000000.0, sliding_window=None,
    tie_word_embeddings=False, hidden_act="silu")


def finite(value):
    """JSON has no NaN: a non-finite number goes out as the string Sonique's reader takes ("NaN", "Infinity")."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    return value


def line_of(event, **fields):
    return json.dumps({"event": event, **{k: finite(v) for k, v in fields.items() if v is not None}})


def exit_with_parent():
    """Exits the moment standard input ends. Sonique holds this pipe open and never writes to it; the kernel closes
    it when Sonique dies, however it dies (SIGKILL, the OOM killer; `docker run -i` passes the end on), so the
    trainer never outlives the run that started it."""
    import threading

    def watch():
        while sys.stdin.buffer.read(64):
            pass
        print("the parent process is gone: training stopped", file=sys.stderr, flush=True)
        os._exit(3)

    threading.Thread(target=watch, name="parent watch", daemon=True).start()


def emit(event, **fields):
    print(line_of(event, **fields), flush=True)


def read_examples(path):
    examples = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            item = json.loads(line)
            ids, start = item["input_ids"], int(item["answer_start"])
            if not ids or not 0 < start < len(ids):
                raise ValueError(f"{path}:{number}: answer_start {start} is outside its {len(ids)} tokens")
            examples.append((item.get("id", f"{os.path.basename(path)}:{number}"), ids, start))
    return examples


def labelled(ids, start):
    return list(ids), [-100] * start + list(ids[start:])


def pack(examples, length):
    """Concatenates examples into sequences of at most `length` tokens (greedy, in order), as TRL's packing does;
    labels keep each example's prompt masked."""
    sequences, ids, labels = [], [], []
    for _, example_ids, start in examples:
        x, y = labelled(example_ids, start)
        if ids and len(ids) + len(x) > length:
            sequences.append((ids, labels))
            ids, labels = [], []
        ids, labels = ids + x[:length], labels + y[:length]
    if ids:
        sequences.append((ids, labels))
    return sequences


def sequences_of(examples, settings, max_length):
    return pack(examples, max_length) if settings.get("packing") else [labelled(ids, s) for _, ids, s in examples]


def epoch_seed(seed, epoch, stream):
    return (seed * 1_000_003 + epoch * 7919 + stream) & 0xFFFFFFFF


def peak_tflops(torch):
    if not torch.cuda.is_available():
        return None
    name = torch.cuda.get_device_name(0)
    return next((v for k, v in PEAK_BF16_TFLOPS.items() if k in name), None)


def weight_count(config):
    """The weights of the matrix products (the embedding lookup counted as the tied output's)."""
    d, layers = config.hidden_size, config.num_hidden_layers
    heads, kv = config.num_attention_heads, getattr(config, "num_key_value_heads", config.num_attention_heads)
    head = d // heads
    per_layer = d * d * 2 + 2 * d * kv * head + 3 * d * config.intermediate_size
    return layers * per_layer + config.vocab_size * d * (1 if getattr(config, "tie_word_embeddings", False) else 2)


def model_flops_per_token(config, sequence):
    """PaLM's model FLOPs for training: 6N for the weights plus 12 L T d for attention (appendix B)."""
    return 6 * weight_count(config) + 12 * config.num_hidden_layers * sequence * config.hidden_size


def lora_flops_per_token(config, sequence):
    """What LoRA training computes of that: frozen weights need no weight gradient, so 4N instead of 6N (the
    adapters' own few FLOPs left out)."""
    return model_flops_per_token(config, sequence) - 2 * weight_count(config)


def dtype_argument(dtype):
    """transformers 4.56 renamed torch_dtype to dtype (and 5 dropped the old name)."""
    import transformers
    version = tuple(int(p) for p in transformers.__version__.split(".")[:2] if p.isdigit())
    return {"dtype": dtype} if version >= (4, 56) else {"torch_dtype": dtype}


def load_model(job, settings, torch, emit_skip):
    from transformers import AutoConfig, AutoModelForCausalLM
    cuda = torch.cuda.is_available()
    dtype = torch.bfloat16 if settings.get("bf16") and cuda and torch.cuda.is_bf16_supported() else torch.float32
    source = job["model"]
    if source.startswith("random:"):
        shape = source[len("random:"):]
        if shape == "mistral-7b":
            from transformers import MistralConfig
            config = MistralConfig(**{k: v for k, v in MISTRAL_7B.items() if k not in ("architectures", "model_type")})
        else:
            config = AutoConfig.from_pretrained(shape)
        torch.manual_seed(settings.get("seed", 42))
        with torch.device("cuda" if cuda else "cpu"):
            model = AutoModelForCausalLM.from_config(config, **dtype_argument(dtype))
        return model, config, dtype
    quantization = None
    if settings.get("four_bit"):
        try:
            import bitsandbytes  # noqa: F401
            from transformers import BitsAndBytesConfig
            quantization = BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_use_double_quant=True,
                                              bnb_4bit_compute_dtype=torch.bfloat16)
        except ImportError:
            emit_skip("bitsandbytes is not installed: the base model is loaded unquantised (LoRA, not QLoRA)")
    model = AutoModelForCausalLM.from_pretrained(source, **dtype_argument(dtype), quantization_config=quantization,
                                                 device_map={"": 0} if cuda else None)
    if quantization is not None:
        from peft import prepare_model_for_kbit_training
        model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=False)
    return model, model.config, dtype


def batches(sequences, size, pad_id, device, torch):
    for i in range(0, len(sequences), size):
        chunk = sequences[i:i + size]
        width = max(len(ids) for ids, _ in chunk)
        ids = torch.full((len(chunk), width), pad_id, dtype=torch.long)
        labels = torch.full((len(chunk), width), -100, dtype=torch.long)
        mask = torch.zeros((len(chunk), width), dtype=torch.long)
        for row, (x, y) in enumerate(chunk):
            ids[row, :len(x)] = torch.tensor(x)
            labels[row, :len(y)] = torch.tensor(y)
            mask[row, :len(x)] = 1
        yield ids.to(device), labels.to(device), mask.to(device)


def summed_loss(model, ids, labels, mask, torch):
    """The summed cross-entropy of the answer tokens, and how many there are (each predicted from those before)."""
    logits = model(input_ids=ids, attention_mask=mask).logits[:, :-1].float()
    targets = labels[:, 1:]
    loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.size(-1)), targets.reshape(-1), ignore_index=-100, reduction="sum")
    return loss, int((targets != -100).sum())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--job", required=True)
    parser.add_argument("--check", action="store_true", help="read and size the job without torch, then stop")
    parser.add_argument("--benchmark", type=int, default=0, help="time this many optimizer steps and stop")
    parser.add_argument("--exit-on-stdin-eof", action="store_true", help="exit when standard input ends (the parent died)")
    args = parser.parse_args()
    if args.exit_on_stdin_eof:
        exit_with_parent()
    with open(args.job, encoding="utf-8") as f:
        job = json.load(f)
    settings = job["settings"]
    train = read_examples(job["train"])
    validation = read_examples(job["validation"]) if job.get("validation") else []
    if not train:
        raise SystemExit(f"{job['train']} holds no training examples")
    max_length = int(settings.get("max_sequence") or max(len(ids) for _, ids, _ in train + validation))
    train_sequences = sequences_of(train, settings, max_length)
    per_step = settings["batch_size"] * settings["gradient_accumulation"]
    steps_per_epoch = math.ceil(len(train_sequences) / per_step)
    total_steps = args.benchmark or steps_per_epoch * settings["epochs"]
    tokens_per_epoch = sum(len(ids) for ids, _ in train_sequences)
    if args.check:
        emit("prepared", backend="peft", device="check", examples=len(train), validation_examples=len(validation),
             steps=total_steps, epochs=settings["epochs"], window=max_length,
             extra={"sequences": len(train_sequences), "tokens_per_epoch": tokens_per_epoch})
        return 0

    try:
        import torch
        from peft import LoraConfig, get_peft_model
        from transformers import get_scheduler
    except ImportError as missing:
        raise SystemExit(f"Error: the peft trainer needs torch, transformers and peft ({missing}): "
                         f"pip install -r {os.path.join(os.path.dirname(os.path.abspath(__file__)), 'requirements.txt')}, "
                         "or set finetune.peft.runner: docker")

    torch.manual_seed(settings.get("seed", 42))
    model, config, dtype = load_model(job, settings, torch, lambda reason: emit("note", reason=reason))
    targets = [t for t in settings.get("targets", ["all-linear"])]
    if "all-linear" in targets:
        targets = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"] + [t for t in targets if t != "all-linear"]
    lora = LoraConfig(r=settings["rank"], lora_alpha=settings["alpha"], lora_dropout=settings["dropout"],
                      target_modules=sorted(set(targets)), bias="none", task_type="CAUSAL_LM")
    model = get_peft_model(model, lora)
    device = next(model.parameters()).device
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=settings["learning_rate"], weight_decay=settings.get("weight_decay", 0.0))
    schedule = {"constant": "constant_with_warmup", "linear": "linear", "cosine": "cosine"}[settings.get("schedule", "constant").lower()]
    scheduler = get_scheduler(schedule, optimizer, num_warmup_steps=math.ceil(total_steps * settings.get("warmup_ratio", 0.0)),
                              num_training_steps=total_steps)
    flops_per_token = model_flops_per_token(config, max_length)
    executed_per_token = lora_flops_per_token(config, max_length)
    peak = peak_tflops(torch)
    emit("prepared", backend="peft", device=(torch.cuda.get_device_name(0) if torch.cuda.is_available() else "CPU") + f", {str(dtype).replace('torch.', '')}",
         examples=len(train), validation_examples=len(validation), parameters=sum(p.numel() for p in trainable),
         window=max_length, epochs=settings["epochs"], steps=total_steps,
         extra={"base_parameters": sum(p.numel() for p in model.parameters()), "model_flops_per_token": flops_per_token,
                "peak_tflops": peak or 0.0, "tokens_per_epoch": tokens_per_epoch})

    checkpoints = job.get("checkpoints")
    first_epoch, step, history = 1, 0, []
    state_file = os.path.join(checkpoints, "state.json") if checkpoints else None
    if state_file and os.path.exists(state_file) and not args.benchmark:
        try:
            with open(state_file, encoding="utf-8") as f:
                state = json.load(f)
            # The folder is named by the run's identity (model, token ids, settings); the settings are checked again.
            if state.get("job") == json.dumps(settings, sort_keys=True):
                from peft import set_peft_model_state_dict
                from safetensors.torch import load_file
                saved = os.path.join(checkpoints, state["folder"])
                # Everything is read before anything is applied: a damaged file leaves the fresh model as it is.
                weights = load_file(os.path.join(saved, "adapter.safetensors"))
                optimizer_state = torch.load(os.path.join(saved, "optimizer.pt"), map_location=device)
                scheduler_state = torch.load(os.path.join(saved, "scheduler.pt"))
                set_peft_model_state_dict(model, weights)
                optimizer.load_state_dict(optimizer_state)
                scheduler.load_state_dict(scheduler_state)
                first_epoch, step, history = state["epoch"] + 1, state["step"], list(state.get("history", []))
                for line in history:
                    print(line, flush=True)
                emit("resumed", epoch=state["epoch"], step=step, steps=total_steps)
        except (OSError, ValueError, KeyError, RuntimeError) as damaged:
            emit("note", reason=f"checkpoint in {checkpoints} is damaged ({damaged}); training starts over")
            first_epoch, step, history = 1, 0, []

    pad = getattr(config, "pad_token_id", None) or 0
    # The token count is cumulative over the whole run: a resumed run goes on from its checkpoint's last step.
    tokens = next((t for t in (json.loads(line).get("tokens") for line in reversed(history)) if t is not None), 0)
    tokens_before, started = tokens, time.perf_counter()
    synchronize = torch.cuda.synchronize if torch.cuda.is_available() else (lambda: None)
    # A benchmark's clock starts after its first steps, which pay for CUDA's and the kernels' warm-up.
    warmup = min(3, args.benchmark // 4) if args.benchmark else 0
    for epoch in range(first_epoch, settings["epochs"] + 1):
        # Dropout is seeded per epoch, as shuffling is, so a resumed run repeats the steps of an uninterrupted one.
        torch.manual_seed(epoch_seed(settings.get("seed", 42), epoch, 2))
        model.train()
        order = list(train_sequences)
        random.Random(epoch_seed(settings.get("seed", 42), epoch, 1)).shuffle(order)
        epoch_loss, epoch_targets, epoch_started = 0.0, 0, time.perf_counter()
        for start in range(0, len(order), per_step):
            group = order[start:start + per_step]
            answer_tokens = sum(sum(1 for y in labels[1:] if y != -100) for _, labels in group)
            optimizer.zero_grad(set_to_none=True)
            step_loss = 0.0
            for ids, labels, mask in batches(group, settings["batch_size"], pad, device, torch):
                loss, _ = summed_loss(model, ids, labels, mask, torch)
                (loss / max(answer_tokens, 1)).backward()
                step_loss += float(loss)
                tokens += int(mask.sum())
            norm = torch.nn.utils.clip_grad_norm_(trainable, settings["max_grad_norm"]) if settings.get("max_grad_norm") else None
            rate = scheduler.get_last_lr()[0]
            optimizer.step()
            scheduler.step()
            step += 1
            synchronize()
            if warmup and step == warmup:
                tokens_before, started = tokens, time.perf_counter()
            elapsed = max(time.perf_counter() - started, 1e-9)
            rate_tokens = (tokens - tokens_before) / elapsed
            line = line_of("step", epoch=epoch, epochs=settings["epochs"], step=step, steps=total_steps,
                           loss=step_loss / max(answer_tokens, 1), learning_rate=rate,
                           grad_norm=float(norm) if norm is not None else None, tokens=tokens, tokens_per_second=rate_tokens,
                           extra={"mfu": rate_tokens * flops_per_token / (peak * 1e12)} if peak else None)
            history.append(line)
            print(line, flush=True)
            epoch_loss += step_loss
            epoch_targets += answer_tokens
            if args.benchmark and step >= args.benchmark:
                emit("done", seconds=elapsed, extra={"tokens_per_second": rate_tokens, "mfu": rate_tokens * flops_per_token / (peak * 1e12) if peak else 0.0,
                                                     "executed_flops_share": rate_tokens * executed_per_token / (peak * 1e12) if peak else 0.0,
                                                     "timed_steps": step - warmup, "tokens_per_step": (tokens - tokens_before) / max(step - warmup, 1),
                                                     "peak_memory_gib": torch.cuda.max_memory_allocated() / 2**30 if torch.cuda.is_available() else 0.0})
                return 0
        validation_loss = None
        if validation:
            model.eval()
            total, count = 0.0, 0
            with torch.no_grad():
                for ids, labels, mask in batches(sequences_of(validation, {"packing": False}, max_length), settings["batch_size"], pad, device, torch):
                    loss, n = summed_loss(model, ids, labels, mask, torch)
                    total, count = total + float(loss), count + n
            validation_loss = total / max(count, 1)
        line = line_of("epoch", epoch=epoch, epochs=settings["epochs"], step=step, steps=total_steps,
                       train_loss=epoch_loss / max(epoch_targets, 1), validation_loss=validation_loss,
                       seconds=time.perf_counter() - epoch_started)
        history.append(line)
        print(line, flush=True)
        if checkpoints:
            from peft import get_peft_model_state_dict
            from safetensors.torch import save_file
            # Each epoch in its own folder, written in full before state.json names it: a kill in between leaves
            # the previous epoch's checkpoint whole.
            folder = f"epoch-{epoch:03d}"
            saved = os.path.join(checkpoints, folder)
            os.makedirs(saved, exist_ok=True)
            save_file(get_peft_model_state_dict(model), os.path.join(saved, "adapter.safetensors"))
            torch.save(optimizer.state_dict(), os.path.join(saved, "optimizer.pt"))
            torch.save(scheduler.state_dict(), os.path.join(saved, "scheduler.pt"))
            with open(state_file + ".tmp", "w", encoding="utf-8") as f:
                json.dump({"job": json.dumps(settings, sort_keys=True), "epoch": epoch, "step": step, "folder": folder, "history": history}, f)
            os.replace(state_file + ".tmp", state_file)
            emit("checkpoint", epoch=epoch, path=saved)

    # Only the LoRA matrices: with lm_head targeted, peft would otherwise also save the whole output and embedding layers.
    model.save_pretrained(job["output"], safe_serialization=True, save_embedding_layers=False)
    emit("done", path=job["output"], seconds=time.perf_counter() - started)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("training cancelled", file=sys.stderr)
        sys.exit(130)
