#!/usr/bin/env python3
"""PyTorch peer of ActorRL's model benchmark (src/ActorRL.Benchmarks/Model/ModelBenchmark.cs).

Two networks, one per benchmark case (--arch):
- tinygpt: the same network as TinyGpt (token embedding, pre-LayerNorm blocks with RoPE (rotate-half) attention and a
  GELU MLP, no biases in linear layers, final LayerNorm, tied output layer);
- qwen3: Hugging Face's Qwen3ForCausalLM (transformers/models/qwen3/modeling_qwen3.py) in plain PyTorch, as ActorRL's
  DecoderForCausalLM runs it: RMSNorm computed in float32, per-head q_norm/k_norm before RoPE, grouped-query attention
  (key/value heads repeat_interleave'd per query head), SwiGLU MLP, no biases, tied embeddings.
Both run the same sampling loop (left-padded prompts, preallocated KV cache, temperature softmax, multinomial draw,
log-prob + entropy, one device-to-host copy per step) and the same learner step (score -> clipped policy-gradient loss
-> backward -> grad-norm clip -> AdamW). Torch 1.13 (Debian's python3-torch) has no scaled_dot_product_attention, so
attention is written out: softmax(QK^T/sqrt(d) + mask)V.

--weights FILE loads ActorRL's initial weights (a float32 safetensors file, parameter names as ActorRL's), so both
sides run the same numbers and a "check" request can compare their log-probs.

Protocol: prints {"kind": "info", ...} once, then answers each request line on stdin
({"kind": "sample", "length": N, "cache": true|false, "seed": S} or {"kind": "learner"}) with {"seconds": T};
{"kind": "check", "tokens": [[...], ...]} (prompt ++ response rows) is answered with {"log_probs": [[...], ...]}, the
response tokens' log-probs as the learner step scores them.
"""
import argparse
import json
import math
import struct
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Attention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.qkv = nn.Linear(d, 3 * d, bias=False)
        self.proj = nn.Linear(d, d, bias=False)
        self.heads, self.head_dim = heads, d // heads

    def forward(self, x, cos, sin, mask, cache, layer):
        b, t, _ = x.shape
        projected = self.qkv(x).view(b, t, 3, self.heads, self.head_dim).permute(2, 0, 3, 1, 4)
        q, k = rope(projected[:2], cos, sin)  # queries and keys rotate together, as in TinyGpt
        v = projected[2]
        if cache is not None:
            k, v = cache.append(layer, k, v)
        y = attend(q, k, v, mask)
        return self.proj(y.transpose(1, 2).reshape(b, t, -1))


def attend(q, k, v, mask):
    """softmax(QK^T/sqrt(d) + mask)V written out (torch 1.13 has no fused kernel); mask None = plain causal."""
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if mask is None:
        t = q.shape[2]
        causal = torch.ones(t, t, dtype=torch.bool).tril()
        scores = scores.masked_fill(~causal, float("-inf"))
    else:
        scores = scores.masked_fill(~mask, float("-inf"))
    return torch.softmax(scores, dim=-1) @ v


def rope_tables(max_len, head_dim, theta):
    """cos and sin [max_len, head_dim] in float64, the angle of pair i in both halves (RotaryEmbedding.Tables)."""
    inv = theta ** (-torch.arange(0, head_dim, 2, dtype=torch.float64) / head_dim)
    angles = torch.outer(torch.arange(max_len, dtype=torch.float64), inv)
    full = torch.cat([angles, angles], dim=-1)
    return full.cos(), full.sin()


def rope(x, cos, signed_sin):
    """Rotate-half RoPE with the sin table's first half negated beforehand (cat(x2, x1) * signed_sin)."""
    half = x.shape[-1] // 2
    swapped = torch.cat([x[..., half:], x[..., :half]], dim=-1)
    return x * cos + swapped * signed_sin


class Block(nn.Module):
    def __init__(self, d, heads, ratio):
        super().__init__()
        self.ln_1, self.attn, self.ln_2 = nn.LayerNorm(d), Attention(d, heads), nn.LayerNorm(d)
        self.fc = nn.Linear(d, ratio * d, bias=False)
        self.fc_proj = nn.Linear(ratio * d, d, bias=False)

    def forward(self, x, cos, sin, mask, cache, layer):
        x = x + self.attn(self.ln_1(x), cos, sin, mask, cache, layer)
        return x + self.fc_proj(F.gelu(self.fc(self.ln_2(x))))


class TinyGpt(nn.Module):
    def __init__(self, vocab, d, layers, heads, max_len, ratio=4, theta=10000.0):
        super().__init__()
        self.wte = nn.Embedding(vocab, d)
        self.h = nn.ModuleList([Block(d, heads, ratio) for _ in range(layers)])
        self.ln_f = nn.LayerNorm(d)
        head_dim = d // heads
        cos, sin = rope_tables(max_len, head_dim, theta)
        self.register_buffer("rope_cos", cos.float(), persistent=False)
        signed_sin = torch.cat([-sin[:, :head_dim // 2], sin[:, head_dim // 2:]], dim=-1)
        self.register_buffer("rope_sin", signed_sin.float(), persistent=False)
        # The KV cache holds every head: TinyGpt has no grouped-query attention.
        self.layers, self.kv_heads, self.head_dim = layers, heads, head_dim
        for name, p in self.named_parameters():
            if p.dim() == 2:
                std = 0.02 / math.sqrt(2 * layers) if name.endswith(("attn.proj.weight", "fc_proj.weight")) else 0.02
                nn.init.normal_(p, 0.0, std)

    def forward(self, tokens, positions, mask=None, cache=None):
        b, t = tokens.shape
        x = self.wte(tokens)
        flat = positions.reshape(-1)
        cos = self.rope_cos.index_select(0, flat).view(b, 1, t, self.head_dim)
        sin = self.rope_sin.index_select(0, flat).view(b, 1, t, self.head_dim)
        for i, block in enumerate(self.h):
            x = block(x, cos, sin, mask, cache, i)
        if cache is not None:
            cache.length += t
        return self.ln_f(x)

    def logits(self, hidden):
        return F.linear(hidden, self.wte.weight)


# Qwen3, after transformers' modeling_qwen3.py (Qwen3RMSNorm, Qwen3Attention, Qwen3MLP, Qwen3DecoderLayer, Qwen3Model,
# Qwen3ForCausalLM); module names are Hugging Face's, which are ActorRL's too, so --weights loads by name.

class Qwen3RmsNorm(nn.Module):
    """Statistics and scaling in float32, back to the input dtype, then the gain (Qwen3RMSNorm)."""

    def __init__(self, size, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(size))
        self.eps = eps

    def forward(self, x):
        wide = x.to(torch.float32)
        normed = wide * torch.rsqrt(wide.pow(2).mean(-1, keepdim=True) + self.eps)
        return self.weight * normed.to(x.dtype)


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat([-x[..., half:], x[..., :half]], dim=-1)


class Qwen3Attention(nn.Module):
    def __init__(self, hidden, heads, kv_heads, head_dim, eps):
        super().__init__()
        self.q_proj = nn.Linear(hidden, heads * head_dim, bias=False)
        self.k_proj = nn.Linear(hidden, kv_heads * head_dim, bias=False)
        self.v_proj = nn.Linear(hidden, kv_heads * head_dim, bias=False)
        self.o_proj = nn.Linear(heads * head_dim, hidden, bias=False)
        self.q_norm, self.k_norm = Qwen3RmsNorm(head_dim, eps), Qwen3RmsNorm(head_dim, eps)
        self.heads, self.kv_heads, self.head_dim = heads, kv_heads, head_dim

    def forward(self, x, cos, sin, mask, cache, layer):
        b, t, _ = x.shape
        # q_norm / k_norm normalise each head over head_dim, before RoPE (apply_rotary_pos_emb).
        q = self.q_norm(self.q_proj(x).view(b, t, self.heads, self.head_dim)).transpose(1, 2)
        k = self.k_norm(self.k_proj(x).view(b, t, self.kv_heads, self.head_dim)).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        v = self.v_proj(x).view(b, t, self.kv_heads, self.head_dim).transpose(1, 2)
        if cache is not None:
            k, v = cache.append(layer, k, v)  # the cache holds only the key/value heads (the point of GQA)
        group = self.heads // self.kv_heads
        if group > 1:  # repeat_kv: query head h reads key/value head h // group
            k = k.repeat_interleave(group, 1)
            v = v.repeat_interleave(group, 1)
        y = attend(q, k, v, mask)
        return self.o_proj(y.transpose(1, 2).reshape(b, t, -1))


class Qwen3Mlp(nn.Module):
    def __init__(self, hidden, intermediate):
        super().__init__()
        self.gate_proj = nn.Linear(hidden, intermediate, bias=False)
        self.up_proj = nn.Linear(hidden, intermediate, bias=False)
        self.down_proj = nn.Linear(intermediate, hidden, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class Qwen3Layer(nn.Module):
    def __init__(self, hidden, intermediate, heads, kv_heads, head_dim, eps):
        super().__init__()
        self.input_layernorm = Qwen3RmsNorm(hidden, eps)
        self.self_attn = Qwen3Attention(hidden, heads, kv_heads, head_dim, eps)
        self.post_attention_layernorm = Qwen3RmsNorm(hidden, eps)
        self.mlp = Qwen3Mlp(hidden, intermediate)

    def forward(self, x, cos, sin, mask, cache, layer):
        x = x + self.self_attn(self.input_layernorm(x), cos, sin, mask, cache, layer)
        return x + self.mlp(self.post_attention_layernorm(x))


class Qwen3Model(nn.Module):
    def __init__(self, vocab, hidden, intermediate, layers, heads, kv_heads, head_dim, eps):
        super().__init__()
        self.embed_tokens = nn.Embedding(vocab, hidden)
        self.layers = nn.ModuleList([Qwen3Layer(hidden, intermediate, heads, kv_heads, head_dim, eps) for _ in range(layers)])
        self.norm = Qwen3RmsNorm(hidden, eps)


class Qwen3ForCausalLM(nn.Module):
    """Tied embeddings (tie_word_embeddings, as Qwen3-0.6B): the output layer is model.embed_tokens.weight."""

    def __init__(self, vocab, hidden, intermediate, layers, heads, kv_heads, head_dim, max_len, theta, eps):
        super().__init__()
        self.model = Qwen3Model(vocab, hidden, intermediate, layers, heads, kv_heads, head_dim, eps)
        cos, sin = rope_tables(max_len, head_dim, theta)  # float64, rounded once to the model's dtype
        self.register_buffer("rope_cos", cos.float(), persistent=False)
        self.register_buffer("rope_sin", sin.float(), persistent=False)
        self.layers, self.kv_heads, self.head_dim = layers, kv_heads, head_dim
        # Qwen3PreTrainedModel._init_weights: normal(0, initializer_range 0.02) matrices, unit norm gains.
        for p in self.parameters():
            if p.dim() == 2:
                nn.init.normal_(p, 0.0, 0.02)

    def forward(self, tokens, positions, mask=None, cache=None):
        b, t = tokens.shape
        x = self.model.embed_tokens(tokens)
        flat = positions.reshape(-1)
        cos = self.rope_cos.index_select(0, flat).view(b, 1, t, self.head_dim)
        sin = self.rope_sin.index_select(0, flat).view(b, 1, t, self.head_dim)
        for i, layer in enumerate(self.model.layers):
            x = layer(x, cos, sin, mask, cache, i)
        if cache is not None:
            cache.length += t
        return self.model.norm(x)

    def logits(self, hidden):
        return F.linear(hidden, self.model.embed_tokens.weight)


class KvCache:
    def __init__(self, layers, b, heads, capacity, head_dim):
        self.keys = [torch.zeros(b, heads, capacity, head_dim) for _ in range(layers)]
        self.values = [torch.zeros(b, heads, capacity, head_dim) for _ in range(layers)]
        self.length = 0

    def append(self, layer, k, v):
        t = k.shape[2]
        self.keys[layer][:, :, self.length:self.length + t].copy_(k)
        self.values[layer][:, :, self.length:self.length + t].copy_(v)
        end = self.length + t
        return self.keys[layer][:, :, :end], self.values[layer][:, :, :end]


def loaded_blas():
    """The BLAS libraries this process has mapped after a matrix product (Debian's torch calls whatever libblas.so.3
    points to: the reference BLAS unless an optimised one is installed)."""
    torch.randn(64, 64) @ torch.randn(64, 64)
    with open("/proc/self/maps") as maps:
        return sorted({line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line})


def causal_mask(valid, width):
    causal = torch.ones(width, width, dtype=torch.bool).tril()
    return ((causal.unsqueeze(0) & valid[:, :width].unsqueeze(1)) | torch.eye(width, dtype=torch.bool)).unsqueeze(1)


def draw(logits, temperature, generator):
    log_probs = F.log_softmax(logits if temperature == 1.0 else logits / temperature, dim=-1)
    probs = log_probs.exp()
    token = torch.multinomial(probs, 1, generator=generator)
    sampler_log_prob = log_probs.gather(-1, token)
    token_log_prob = log_probs.gather(-1, token)
    entropy = -(probs * log_probs).sum(-1, keepdim=True)
    packed = torch.cat([token.double(), token_log_prob.double(), sampler_log_prob.double(), entropy.double()], dim=-1)
    return packed.cpu().tolist()


@torch.no_grad()
def sample(model, prompt, rows, new_tokens, use_cache, seed):
    generator = torch.Generator().manual_seed(seed)
    width = prompt.shape[0]
    capacity = width + new_tokens
    tokens = prompt.view(1, width)
    positions = torch.arange(width).view(1, width)
    valid = torch.zeros(1, capacity, dtype=torch.bool)
    valid[:, :width] = True
    mask = causal_mask(valid, width)
    if use_cache:
        cache = KvCache(model.layers, 1, model.kv_heads, capacity, model.head_dim)
        hidden = model(tokens, positions, mask, cache)
        cache.keys = [k.repeat_interleave(rows, 0) for k in cache.keys]
        cache.values = [v.repeat_interleave(rows, 0) for v in cache.values]
    else:
        hidden = model(tokens, positions, mask)
        rows_tokens = [list(prompt.tolist()) for _ in range(rows)]
        rows_positions = [list(range(width)) for _ in range(rows)]
    valid = valid.repeat_interleave(rows, 0)
    logits = model.logits(hidden[:, width - 1:width]).squeeze(1).repeat_interleave(rows, 0)
    filled = width
    next_position = [width] * rows
    for step in range(new_tokens):
        drawn = draw(logits, 1.0, generator)
        last = [int(r[0]) for r in drawn]
        if step == new_tokens - 1:
            break
        valid[:, filled] = True
        filled += 1
        if use_cache:
            mask = valid[:, :filled].view(rows, 1, 1, filled)
            hidden = model(torch.tensor(last).view(rows, 1), torch.tensor(next_position).view(rows, 1), mask, cache)
            logits = model.logits(hidden).squeeze(1)
        else:
            for r in range(rows):
                rows_tokens[r].append(last[r])
                rows_positions[r].append(next_position[r])
            hidden = model(torch.tensor(rows_tokens), torch.tensor(rows_positions), causal_mask(valid, filled))
            logits = model.logits(hidden[:, filled - 1:filled]).squeeze(1)
        next_position = [p + 1 for p in next_position]


def score(model, tokens, prompt_len):
    """Log-probs over the vocabulary at each response position [rows, response, vocab], and of the response tokens
    [rows, response]: as CausalLmPolicy.Score, only the hidden states that predict response tokens reach the output layer."""
    rows, width = tokens.shape
    response_len = width - prompt_len
    positions = torch.arange(width).unsqueeze(0).expand(rows, width)
    hidden = model(tokens, positions)
    index = (torch.arange(response_len) + prompt_len - 1).view(1, response_len, 1).expand(rows, response_len, hidden.shape[2])
    log_probs = F.log_softmax(model.logits(hidden.gather(1, index)), dim=-1)
    targets = tokens[:, prompt_len:].unsqueeze(-1)
    return log_probs, log_probs.gather(-1, targets).squeeze(-1)


def learner_step(model, optimizer, tokens, prompt_len, response_len, advantages):
    rows = tokens.shape[0]
    optimizer.zero_grad()
    log_probs, response_log_probs = score(model, tokens, prompt_len)
    mask = torch.ones(rows, response_len)
    token_log_probs = response_log_probs * mask
    entropy = -(log_probs.exp() * log_probs).sum(-1) * mask
    ratio = torch.exp(token_log_probs - token_log_probs.detach())
    surrogate = torch.minimum(ratio * advantages, ratio.clamp(0.8, 1.28) * advantages)
    loss = -(surrogate * mask).sum() / mask.sum()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    return loss.item(), entropy.detach().mean().item()


def load_weights(model, path):
    """A float32 safetensors file (8-byte LE header length, JSON header, raw LE data) into the model, every
    parameter by name (strict: a name or shape that differs between the two sides fails here, not silently)."""
    with open(path, "rb") as f:
        (header_len,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(header_len))
        data = f.read()
    state = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] != "F32":
            raise ValueError(f"{path}: {name} is {info['dtype']}, the peer runs float32")
        begin, end = info["data_offsets"]
        state[name] = torch.frombuffer(bytearray(data[begin:end]), dtype=torch.float32).view(info["shape"])
    model.load_state_dict(state, strict=True)


def build_model(a):
    if a.arch == "tinygpt":
        return TinyGpt(a.vocab, a.d_model, a.layers, a.heads, a.max_len)
    if a.arch == "qwen3":
        return Qwen3ForCausalLM(a.vocab, a.d_model, a.intermediate, a.layers, a.heads, a.kv_heads, a.head_dim, a.max_len,
                                a.rope_theta, a.norm_eps)
    raise ValueError(f"unknown --arch {a.arch}")


def main():
    """Serves timing requests, one JSON object per line on stdin, so the caller can interleave its own runs with
    ours (on a shared machine both sides then see the same background load)."""
    p = argparse.ArgumentParser()
    p.add_argument("--arch", choices=["tinygpt", "qwen3"], default="tinygpt")
    p.add_argument("--vocab", type=int, default=64)
    p.add_argument("--d-model", type=int, default=128)
    p.add_argument("--layers", type=int, default=4)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--prompt", type=int, default=16)
    p.add_argument("--rows", type=int, default=8)
    p.add_argument("--max-len", type=int, default=528)
    p.add_argument("--learner-rows", type=int, default=64)
    p.add_argument("--learner-response", type=int, default=128)
    # qwen3 only (hidden_size is --d-model):
    p.add_argument("--kv-heads", type=int, default=2)
    p.add_argument("--head-dim", type=int, default=32)
    p.add_argument("--intermediate", type=int, default=384)
    p.add_argument("--rope-theta", type=float, default=1e6)
    p.add_argument("--norm-eps", type=float, default=1e-6)
    p.add_argument("--weights", help="float32 safetensors with ActorRL's initial weights (replaces the peer's own init)")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = build_model(a)
    if a.weights:
        load_weights(model, a.weights)
    prompt = torch.randint(3, a.vocab, (a.prompt,))
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}],
                                  lr=1e-4, betas=(0.9, 0.99), eps=1e-8)
    tokens = torch.randint(3, a.vocab, (a.learner_rows, a.prompt + a.learner_response))
    advantages = torch.randn(a.learner_rows, 1)
    print(json.dumps({"kind": "info", "torch": torch.__version__, "threads": torch.get_num_threads(),
                      "parameters": sum(p.numel() for p in model.parameters()), "blas": loaded_blas()}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        if request["kind"] == "check":
            with torch.no_grad():
                _, log_probs = score(model, torch.tensor(request["tokens"]), a.prompt)
            print(json.dumps({"log_probs": log_probs.double().tolist()}), flush=True)
            continue
        start = time.perf_counter()
        if request["kind"] == "sample":
            sample(model, prompt, a.rows, request["length"], request["cache"], request.get("seed", 0))
        elif request["kind"] == "learner":
            learner_step(model, optimizer, tokens, a.prompt, a.learner_response, advantages)
        else:
            raise ValueError(f"unknown request {request}")
        print(json.dumps({"seconds": time.perf_counter() - start}), flush=True)


if __name__ == "__main__":
    main()
