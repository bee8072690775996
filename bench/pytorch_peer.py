#!/usr/bin/env python3
"""PyTorch peer of ActorRL's TinyGpt benchmark (src/ActorRL.Model/Benchmarks/ModelBenchmark.cs).

The same network as TinyGpt (token embedding, pre-LayerNorm blocks with RoPE (rotate-half) attention and a GELU MLP,
no biases in linear layers, final LayerNorm, tied output layer), the same sampling loop (left-padded prompts,
preallocated KV cache, temperature softmax, multinomial draw, log-prob + entropy, one device-to-host copy per step)
and the same learner step (score -> clipped policy-gradient loss -> backward -> grad-norm clip -> AdamW). Torch 1.13
(Debian's python3-torch) has no scaled_dot_product_attention, so attention is written out: softmax(QK^T/sqrt(d) + mask)V.

Protocol: prints {"kind": "info", ...} once, then answers each request line on stdin
({"kind": "sample", "length": N, "cache": true|false, "seed": S} or {"kind": "learner"}) with {"seconds": T}.
"""
import argparse
import json
import math
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
        scores = q @ k.transpose(-2, -1) / math.sqrt(self.head_dim)
        if mask is None:
            causal = torch.ones(t, t, dtype=torch.bool).tril()
            scores = scores.masked_fill(~causal, float("-inf"))
        else:
            scores = scores.masked_fill(~mask, float("-inf"))
        y = torch.softmax(scores, dim=-1) @ v
        return self.proj(y.transpose(1, 2).reshape(b, t, -1))


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
        inv = theta ** (-torch.arange(0, head_dim, 2, dtype=torch.float64) / head_dim)
        angles = torch.outer(torch.arange(max_len, dtype=torch.float64), inv)
        full = torch.cat([angles, angles], dim=-1)
        self.register_buffer("rope_cos", full.cos().float(), persistent=False)
        sin = full.sin()
        signed_sin = torch.cat([-sin[:, :head_dim // 2], sin[:, head_dim // 2:]], dim=-1)
        self.register_buffer("rope_sin", signed_sin.float(), persistent=False)
        self.layers, self.heads, self.head_dim = layers, heads, head_dim
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
        cache = KvCache(model.layers, 1, model.heads, capacity, model.head_dim)
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


def learner_step(model, optimizer, tokens, prompt_len, response_len, advantages):
    rows, width = tokens.shape
    optimizer.zero_grad()
    positions = torch.arange(width).unsqueeze(0).expand(rows, width)
    hidden = model(tokens, positions)
    index = (torch.arange(response_len) + prompt_len - 1).view(1, response_len, 1).expand(rows, response_len, hidden.shape[2])
    log_probs = F.log_softmax(model.logits(hidden.gather(1, index)), dim=-1)
    targets = tokens[:, prompt_len:].unsqueeze(-1)
    mask = torch.ones(rows, response_len)
    token_log_probs = log_probs.gather(-1, targets).squeeze(-1) * mask
    entropy = -(log_probs.exp() * log_probs).sum(-1) * mask
    ratio = torch.exp(token_log_probs - token_log_probs.detach())
    surrogate = torch.minimum(ratio * advantages, ratio.clamp(0.8, 1.28) * advantages)
    loss = -(surrogate * mask).sum() / mask.sum()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    return loss.item(), entropy.detach().mean().item()


def main():
    """Serves timing requests, one JSON object per line on stdin, so the caller can interleave its own runs with
    ours (on a shared machine both sides then see the same background load)."""
    p = argparse.ArgumentParser()
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
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = TinyGpt(a.vocab, a.d_model, a.layers, a.heads, a.max_len)
    prompt = torch.randint(3, a.vocab, (a.prompt,))
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}],
                                  lr=1e-4, betas=(0.9, 0.99), eps=1e-8)
    tokens = torch.randint(3, a.vocab, (a.learner_rows, a.prompt + a.learner_response))
    advantages = torch.randn(a.learner_rows, 1)
    print(json.dumps({"kind": "info", "torch": torch.__version__, "threads": torch.get_num_threads(),
                      "parameters": sum(p.numel() for p in model.parameters())}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
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
