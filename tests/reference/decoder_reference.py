#!/usr/bin/python3
"""An independent Qwen2 / Qwen3 / Llama forward pass, the numerical reference for ActorRL's DecoderForCausalLM.

Written from the Hugging Face definitions (transformers/models/qwen2/modeling_qwen2.py, qwen3/modeling_qwen3.py,
llama/modeling_llama.py) with plain PyTorch and nothing from ActorRL: it reads a local Hugging Face folder itself (config.json, model.safetensors
or model.safetensors.index.json with its shards; the safetensors format is parsed here with struct/json/numpy,
because the safetensors package is not installed) and computes in float64.

Usage: decoder_reference.py FOLDER IDS_JSON
  IDS_JSON is a JSON list of token-id lists (each row its own sequence at positions 0..len-1).
Prints {"logits": [...]} — one [len, vocab_size] list per row — as JSON on stdout.

Runs on Debian's python3-torch 1.13 (no scaled_dot_product_attention there: attention is written out).
"""
import json
import os
import struct
import sys

import numpy as np
import torch


def read_safetensors(path):
    """Every tensor of one safetensors file as float64: 8-byte LE header length, JSON header, raw LE data."""
    with open(path, "rb") as f:
        (header_len,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(header_len))
        data = f.read()
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        raw = data[begin:end]
        shape = info["shape"]
        dtype = info["dtype"]
        if dtype == "BF16":
            # bfloat16 is the top half of a float32: widen the bits and reinterpret.
            bits = np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16
            array = bits.view(np.float32)
        elif dtype == "F16":
            array = np.frombuffer(raw, dtype="<f2")
        elif dtype == "F32":
            array = np.frombuffer(raw, dtype="<f4")
        elif dtype == "F64":
            array = np.frombuffer(raw, dtype="<f8")
        else:
            raise ValueError(f"{path}: tensor {name} has unsupported dtype {dtype}")
        tensors[name] = torch.from_numpy(array.astype(np.float64).reshape(shape))
    return tensors


def read_weights(folder):
    index = os.path.join(folder, "model.safetensors.index.json")
    if os.path.exists(index):
        with open(index) as f:
            files = sorted(set(json.load(f)["weight_map"].values()))
    else:
        files = ["model.safetensors"]
    weights = {}
    for file in files:
        weights.update(read_safetensors(os.path.join(folder, file)))
    return weights


def rms_norm(x, weight, eps):
    return weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def forward(config, w, ids):
    """Logits [T, vocab] of one sequence of token ids at positions 0..T-1."""
    arch = config["architectures"][0]
    hidden = config["hidden_size"]
    n_heads = config["num_attention_heads"]
    n_kv = config.get("num_key_value_heads", n_heads)
    # Qwen3Config's head_dim defaults to 128; Qwen2 and Llama derive it.
    head_dim = config.get("head_dim") or (128 if arch == "Qwen3ForCausalLM" else hidden // n_heads)
    # Qwen2 always has q/k/v biases; Qwen3 and Llama only with attention_bias.
    bias = arch == "Qwen2ForCausalLM" or config.get("attention_bias", False)
    qk_norm = arch == "Qwen3ForCausalLM"
    eps = config["rms_norm_eps"]
    theta = config.get("rope_theta", 10000.0)
    T = len(ids)

    inv_freq = 1.0 / (theta ** (torch.arange(0, head_dim, 2, dtype=torch.float64) / head_dim))
    angles = torch.outer(torch.arange(T, dtype=torch.float64), inv_freq)
    emb = torch.cat((angles, angles), dim=-1)
    cos, sin = emb.cos(), emb.sin()  # [T, head_dim]
    causal = torch.full((T, T), float("-inf"), dtype=torch.float64).triu(1)

    x = w["model.embed_tokens.weight"][torch.tensor(ids)]
    for i in range(config["num_hidden_layers"]):
        p = f"model.layers.{i}."
        h = rms_norm(x, w[p + "input_layernorm.weight"], eps)
        q = h @ w[p + "self_attn.q_proj.weight"].T
        k = h @ w[p + "self_attn.k_proj.weight"].T
        v = h @ w[p + "self_attn.v_proj.weight"].T
        if bias:
            q = q + w[p + "self_attn.q_proj.bias"]
            k = k + w[p + "self_attn.k_proj.bias"]
            v = v + w[p + "self_attn.v_proj.bias"]
        q = q.view(T, n_heads, head_dim)
        k = k.view(T, n_kv, head_dim)
        if qk_norm:  # Qwen3: RMSNorm over each head's dimensions, before RoPE
            q = rms_norm(q, w[p + "self_attn.q_norm.weight"], eps)
            k = rms_norm(k, w[p + "self_attn.k_norm.weight"], eps)
        q = q.transpose(0, 1)  # [H, T, D]
        k = k.transpose(0, 1)
        v = v.view(T, n_kv, head_dim).transpose(0, 1)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        group = n_heads // n_kv
        k = k.repeat_interleave(group, dim=0)  # query head j reads key/value head j // group
        v = v.repeat_interleave(group, dim=0)
        scores = q @ k.transpose(-1, -2) / (head_dim ** 0.5) + causal
        attn = torch.softmax(scores, dim=-1) @ v  # [H, T, D]
        x = x + attn.transpose(0, 1).reshape(T, n_heads * head_dim) @ w[p + "self_attn.o_proj.weight"].T
        h = rms_norm(x, w[p + "post_attention_layernorm.weight"], eps)
        gate = h @ w[p + "mlp.gate_proj.weight"].T
        up = h @ w[p + "mlp.up_proj.weight"].T
        x = x + (torch.nn.functional.silu(gate) * up) @ w[p + "mlp.down_proj.weight"].T
    x = rms_norm(x, w["model.norm.weight"], eps)
    head = w["model.embed_tokens.weight"] if config.get("tie_word_embeddings", False) else w["lm_head.weight"]
    return x @ head.T


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    folder, ids_json = sys.argv[1], sys.argv[2]
    with open(os.path.join(folder, "config.json")) as f:
        config = json.load(f)
    if config.get("architectures") not in (["Qwen2ForCausalLM"], ["Qwen3ForCausalLM"], ["LlamaForCausalLM"]):
        sys.exit(f"{folder}: not a Qwen2ForCausalLM, Qwen3ForCausalLM or LlamaForCausalLM folder")
    weights = read_weights(folder)
    rows = json.loads(ids_json)
    with torch.no_grad():
        logits = [forward(config, weights, row).tolist() for row in rows]
    json.dump({"torch": torch.__version__, "logits": logits}, sys.stdout)


if __name__ == "__main__":
    main()
