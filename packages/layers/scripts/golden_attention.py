"""Golden values from PyTorch for the attention layers of @nn/layers.

Run with Debian's PyTorch (1.13):
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 packages/layers/scripts/golden_attention.py
Writes, under packages/layers/src/golden/ (committed; the tests never need Python):
  attention.json         scaled dot-product attention, MultiheadAttention, TransformerEncoderLayer and
                         TransformerEncoder cases: inputs, state dicts, upstream gradients g, outputs and the
                         gradients of sum(output * g) w.r.t. the inputs and every parameter
  attention.safetensors  the state dict of the TransformerEncoder whose outputs are attention.json's "encoder"

PyTorch 1.13 has no F.scaled_dot_product_attention: `sdpa` below is the math PyTorch 2 documents for it. The
transformer modules of 1.13 take a fused "fast path" in eval mode only when gradients are off; every forward
here records gradients, so the reference is always the plain math path.
"""
import math

# golden_util first: it configures PyTorch before torch is imported.
from golden_util import OUT, enc, rnd, write_json, write_state_dict  # isort: skip
import torch
import torch.nn as nn

NEG_INF = float("-inf")


def sdpa(q, k, v, attn_mask=None, is_causal=False, scale=None):
    """softmax(q·kᵀ·scale + bias)·v, bias −inf where a bool mask is false (or above the diagonal), else the float mask."""
    L, S = q.size(-2), k.size(-2)
    scale = 1 / math.sqrt(q.size(-1)) if scale is None else scale
    bias = torch.zeros(L, S)
    if is_causal:
        bias = torch.where(torch.ones(L, S, dtype=torch.bool).tril(), bias, torch.tensor(NEG_INF))
    if attn_mask is not None:
        bias = bias + (torch.where(attn_mask, 0.0, NEG_INF) if attn_mask.dtype == torch.bool else attn_mask)
    return torch.softmax(q @ k.transpose(-2, -1) * scale + bias, dim=-1) @ v


def allowed_mask(*shape):
    """A random bool mask, true where attention is allowed, with the first key always allowed (no empty row)."""
    m = torch.rand(shape) < 0.6
    m[..., 0] = True
    return m


def grads_of(out, inputs):
    """Backpropagates sum(out·g) for a random g; returns g and the gradients of the named inputs."""
    g = rnd(*out.shape)
    (out * g).sum().backward()
    return g, {name: enc(t.grad) for name, t in inputs.items()}


# ---------------------------------------------------------------- scaled dot-product attention

def sdpa_cases():
    torch.manual_seed(10)
    float_mask = rnd(2, 3, 5)
    float_mask[0, 1, 2] = NEG_INF
    cases = [
        ("no mask", [2, 3, 4], [2, 5, 4], [2, 5, 6], {}),
        ("bool mask [L,S] broadcast", [2, 3, 4], [2, 5, 4], [2, 5, 6], {"attnMask": allowed_mask(3, 5)}),
        ("float mask [N,L,S] with -inf", [2, 3, 4], [2, 5, 4], [2, 5, 6], {"attnMask": float_mask}),
        ("isCausal L=S", [2, 4, 4], [2, 4, 4], [2, 4, 3], {"isCausal": True}),
        ("isCausal L<S (top-left)", [2, 3, 4], [2, 5, 4], [2, 5, 3], {"isCausal": True}),
        ("scale=0.3", [2, 3, 4], [2, 5, 4], [2, 5, 6], {"scale": 0.3}),
        ("heads [N,h,L,E], bool mask [N,1,1,S]", [2, 2, 3, 4], [2, 2, 5, 4], [2, 2, 5, 3], {"attnMask": allowed_mask(2, 1, 1, 5)}),
        ("unbatched [L,E]", [3, 4], [5, 4], [5, 2], {}),
    ]
    out = []
    for name, qs, ks, vs, opts in cases:
        q, k, v = (rnd(*s).requires_grad_() for s in (qs, ks, vs))
        y = sdpa(q, k, v, opts.get("attnMask"), opts.get("isCausal", False), opts.get("scale"))
        g, grads = grads_of(y, {"q": q, "k": k, "v": v})
        case = {"name": name, "q": enc(q), "k": enc(k), "v": enc(v), "g": enc(g), "y": enc(y), "grads": grads}
        if "attnMask" in opts:
            case["attnMask"] = enc(opts["attnMask"])
        for key in ("isCausal", "scale"):
            if key in opts:
                case[key] = opts[key]
        out.append(case)
    return out


# ---------------------------------------------------------------- modules

def randomize(module):
    """Random parameters (LayerNorm scales near 1), so that no bias is zero and every weight matters."""
    norms = {n for n, m in module.named_modules() if isinstance(m, nn.LayerNorm)}
    with torch.no_grad():
        for name, p in module.named_parameters():
            owner = name.rsplit(".", 1)[0] if "." in name else ""
            if owner in norms and name.endswith("weight"):
                p.copy_(rnd(*p.shape, scale=0.2, shift=1.0))
            else:
                p.copy_(rnd(*p.shape, scale=0.4))


def state_of(module):
    sd = module.state_dict()
    return {"keys": list(sd.keys()), "state": {k: enc(v) for k, v in sd.items()}}


def param_grads(module):
    return {name: enc(p.grad) for name, p in module.named_parameters()}


# ---------------------------------------------------------------- MultiheadAttention

def mha_cases():
    torch.manual_seed(11)
    E, h, L, S, N = 8, 2, 3, 4, 2

    def not_allowed(*shape):
        return ~allowed_mask(*shape)

    cases = [
        ("batchFirst=false", {}, {}),
        ("batchFirst=true", {"batchFirst": True}, {}),
        ("kdim=5 vdim=6", {"kdim": 5, "vdim": 6}, {}),
        ("bias=false", {"bias": False}, {}),
        ("bool attnMask [L,S]", {}, {"attnMask": not_allowed(L, S)}),
        ("bool attnMask [N*h,L,S]", {}, {"attnMask": not_allowed(N * h, L, S)}),
        ("float attnMask [L,S]", {}, {"attnMask": rnd(L, S)}),
        ("float attnMask [N*h,L,S]", {"batchFirst": True}, {"attnMask": rnd(N * h, L, S)}),
        ("keyPaddingMask", {}, {"keyPaddingMask": not_allowed(N, S)}),
        ("keyPaddingMask + bool attnMask", {}, {"keyPaddingMask": not_allowed(N, S), "attnMask": not_allowed(L, S)}),
        ("keyPaddingMask + float attnMask", {}, {"keyPaddingMask": not_allowed(N, S), "attnMask": rnd(L, S)}),
        ("needWeights=false", {}, {"needWeights": False}),
        ("averageAttnWeights=false", {}, {"averageAttnWeights": False}),
        ("unbatched", {}, {"unbatched": True}),
        ("unbatched, attnMask [h,L,S], keyPaddingMask [S]", {}, {"unbatched": True, "attnMask": not_allowed(h, L, S),
                                                                "keyPaddingMask": not_allowed(S)}),
        ("self-attention (query = key = value)", {"batchFirst": True}, {"self": True}),
        ("4 heads, kdim=vdim=3, bias=false", {"kdim": 3, "vdim": 3, "bias": False, "numHeads": 4}, {}),
    ]
    out = []
    for name, options, call in cases:
        heads = options.get("numHeads", h)
        kdim, vdim = options.get("kdim", E), options.get("vdim", E)
        batch_first = options.get("batchFirst", False)
        mha = nn.MultiheadAttention(E, heads, bias=options.get("bias", True), batch_first=batch_first,
                                    kdim=options.get("kdim"), vdim=options.get("vdim"))
        randomize(mha)

        def shaped(length, dim):
            if call.get("unbatched"):
                return rnd(length, dim).requires_grad_()
            return rnd(*((N, length, dim) if batch_first else (length, N, dim))).requires_grad_()

        query = shaped(L, E)
        key, value = (query, query) if call.get("self") else (shaped(S, kdim), shaped(S, vdim))
        need, average = call.get("needWeights", True), call.get("averageAttnWeights", True)
        y, w = mha(query, key, value, key_padding_mask=call.get("keyPaddingMask"), need_weights=need,
                   attn_mask=call.get("attnMask"), average_attn_weights=average)
        inputs = {"query": query} if call.get("self") else {"query": query, "key": key, "value": value}
        g, grads = grads_of(y, inputs)
        case = {"name": name, "embedDim": E, "numHeads": heads,
                "options": {k: v for k, v in options.items() if k != "numHeads"}, **state_of(mha),
                **{k: enc(v) for k, v in inputs.items()}, "selfAttention": bool(call.get("self")),
                "needWeights": need, "averageAttnWeights": average,
                "g": enc(g), "y": enc(y), "grads": grads, "paramGrads": param_grads(mha)}
        if w is not None:
            case["weights"] = enc(w)
        for k in ("attnMask", "keyPaddingMask"):
            if k in call:
                case[k] = enc(call[k])
        out.append(case)
    return out


# ---------------------------------------------------------------- TransformerEncoderLayer

TORCH_LAYER_OPTIONS = {"dimFeedforward": "dim_feedforward", "dropout": "dropout", "activation": "activation",
                       "layerNormEps": "layer_norm_eps", "batchFirst": "batch_first", "normFirst": "norm_first"}


def make_layer(d_model, nhead, options):
    return nn.TransformerEncoderLayer(d_model, nhead, **{TORCH_LAYER_OPTIONS[k]: v for k, v in options.items()})


def encoder_layer_cases():
    torch.manual_seed(12)
    d, h, L, N = 8, 2, 4, 2
    causal = torch.triu(torch.full((L, L), NEG_INF), diagonal=1)
    cases = [
        ("relu, post-norm, eval (dropout 0.1 inactive)", {"dimFeedforward": 16}, False, {}),
        ("gelu, post-norm, train, dropout 0", {"dimFeedforward": 16, "dropout": 0.0, "activation": "gelu"}, True, {}),
        ("relu, normFirst, batchFirst, bool srcMask + srcKeyPaddingMask, eval",
         {"dimFeedforward": 16, "normFirst": True, "batchFirst": True}, False,
         {"srcMask": ~allowed_mask(L, L), "srcKeyPaddingMask": ~allowed_mask(N, L)}),
        ("gelu, normFirst, float causal srcMask, train, dropout 0",
         {"dimFeedforward": 16, "dropout": 0.0, "activation": "gelu", "normFirst": True}, True, {"srcMask": causal}),
        ("relu, srcKeyPaddingMask, layerNormEps 1e-3, train, dropout 0",
         {"dimFeedforward": 12, "dropout": 0.0, "layerNormEps": 1e-3}, True, {"srcKeyPaddingMask": ~allowed_mask(N, L)}),
        ("unbatched, eval", {"dimFeedforward": 16}, False, {"unbatched": True}),
    ]
    out = []
    for name, options, training, call in cases:
        layer = make_layer(d, h, options)
        randomize(layer)
        layer.train(training)
        shape = (L, d) if call.get("unbatched") else (N, L, d) if options.get("batchFirst") else (L, N, d)
        src = rnd(*shape).requires_grad_()
        y = layer(src, src_mask=call.get("srcMask"), src_key_padding_mask=call.get("srcKeyPaddingMask"))
        g, grads = grads_of(y, {"src": src})
        case = {"name": name, "dModel": d, "nhead": h, "options": options, "training": training, **state_of(layer),
                "src": enc(src), "g": enc(g), "y": enc(y), "dsrc": grads["src"], "paramGrads": param_grads(layer)}
        for k in ("srcMask", "srcKeyPaddingMask"):
            if k in call:
                case[k] = enc(call[k])
        out.append(case)
    return out


# ---------------------------------------------------------------- TransformerEncoder

def encoder_case():
    """2 layers (made different after PyTorch's deep copy) and a final LayerNorm; its state dict goes to safetensors."""
    torch.manual_seed(13)
    d, h, L, N = 8, 2, 5, 3
    options = {"dimFeedforward": 16, "batchFirst": True}
    model = nn.TransformerEncoder(make_layer(d, h, options), 2, norm=nn.LayerNorm(d))
    randomize(model)
    model.eval()
    src = rnd(N, L, d).requires_grad_()
    mask = torch.triu(torch.ones(L, L, dtype=torch.bool), diagonal=1)
    kpm = ~allowed_mask(N, L)
    y = model(src, mask=mask, src_key_padding_mask=kpm)
    g, grads = grads_of(y, {"src": src})
    write_state_dict("attention.safetensors", model.state_dict())
    return {"dModel": d, "nhead": h, "numLayers": 2, "options": options, "keys": list(model.state_dict().keys()),
            "src": enc(src), "mask": enc(mask), "srcKeyPaddingMask": enc(kpm), "g": enc(g), "y": enc(y),
            "dsrc": grads["src"], "paramGrads": param_grads(model)}


def main():
    write_json("attention.json", {"sdpa": sdpa_cases(), "mha": mha_cases(), "encoderLayer": encoder_layer_cases(),
                                  "encoder": encoder_case()})
    print("wrote attention.json and attention.safetensors to", OUT)


if __name__ == "__main__":
    main()
