#!/usr/bin/env python3
"""Writes assets/lessons/*.json: each lesson is a lab's default scene (from `flowscope-cli scene
--scene default-<lab>`) with a few fields changed and a "lesson" field {"title", "note"} that the
app shows in its Lesson window. File names set the order of the Lessons menu.

Usage: scripts/make_lessons.py BUILD_DIR   (needs BUILD_DIR/bin/flowscope-cli and a Vulkan device)
"""
import copy
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def default_scene(cli, lab):
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "scene.json")
        subprocess.run([cli, "scene", "--scene", "default-" + lab, "--out", out], check=True,
                       stdout=subprocess.DEVNULL)
        with open(out) as f:
            return json.load(f)


def merged(base, patch):
    out = copy.deepcopy(base)
    for k, v in patch.items():
        out[k] = merged(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


# Twelve training points on a circle: the ideal denoiser of so few points memorises them.
TWELVE = [[round(2.0 * __import__("math").cos(k * 0.5236), 6),
           round(2.0 * __import__("math").sin(k * 0.5236), 6)] for k in range(12)]



def ring_of_eight(n, seed):
    """n points of the ring of 8 Gaussians (gmm8: radius 2.5, variances 0.09 along the ring and
    0.02 across it), seeded: the GAN lesson's data, stored in the scene."""
    import math
    import random
    rng = random.Random(seed)
    points = []
    for _ in range(n):
        a = 2.0 * math.pi * rng.randrange(8) / 8
        d, t = (math.cos(a), math.sin(a)), (-math.sin(a), math.cos(a))
        u, v = rng.gauss(0.0, math.sqrt(0.02)), rng.gauss(0.0, math.sqrt(0.09))
        points.append([round(2.5 * d[0] + u * d[0] + v * t[0], 6),
                       round(2.5 * d[1] + u * d[1] + v * t[1], 6)])
    return points


LESSONS = [
    ("01-ddpm-vs-ddim", "diffusion", "DDPM vs DDIM on the same noise",
     "Both halves start from the same noise and use the same exact denoiser on a linear VP "
     "schedule. DDPM (right) adds fresh noise at every step, so its particles jitter and take "
     "different routes; DDIM (left, eta = 0) is deterministic: the same noise always lands on "
     "the same point. Step with the arrow keys and compare the two clouds at equal steps.",
     {"sampling": {"sampler": "ddim", "schedule": "linear", "steps": 50},
      "display": {"split_view": True, "compare_sampler": "ddpm", "compare_at": "step",
                  "show_field": False}, "playing": False, "step": 0}),
    ("02-heun-fewer-steps", "diffusion", "Why Heun needs fewer steps",
     "Euler (left) and Heun (right) integrate the same probability-flow ODE on the Karras "
     "schedule in only 10 steps. Euler's first-order error pulls its particles inward: they "
     "crowd the inner edges of the modes. Heun corrects each step with a second evaluation "
     "(NFE 19 against 10) and lands on the modes with the data's spread. Lower the steps to 5 "
     "and Heun overshoots: a second-order step is no cure for very coarse ones.",
     {"sampling": {"sampler": "euler", "schedule": "karras", "steps": 10},
      "display": {"split_view": True, "compare_sampler": "heun", "compare_at": "step",
                  "show_field": False, "show_trails": False},
      "playing": False, "step": 10}),
    ("03-memorisation", "diffusion", "Memorisation of the ideal denoiser",
     "The exact denoiser of a finite training set is a softmax over the training points. Run "
     "to the end: every particle lands exactly on one of the twelve points. An ideal diffusion "
     "model reproduces its training data; generalisation needs a model that is not ideal.",
     {"data": {"type": "points", "points": TWELVE},
      "display": {"show_field": False, "heatmap": "noised"}, "playing": False, "step": 18}),
    ("04-score-field", "diffusion", "The score field at each noise level",
     "Arrows show the score ∇ log p_t of the noised data at the shown step, the heatmap log p_t "
     "itself. At high σ the density is one broad bump and the arrows all point to the middle; "
     "step forward and it splits into the eight modes, the arrows turning towards each.",
     {"display": {"heatmap": "noised", "field": "score", "show_trails": False},
      "playing": False, "step": 6}),
    ("05-flow-matching", "diffusion", "Flow matching: straight lines, curved flow",
     "Rectified-flow interpolation x_t = (1 − t) x0 + t ε, with the exact marginal velocity. "
     "Each pair moves on a straight line, but the marginal flow the sampler follows bends: "
     "the drawn paths curve where independent pairs cross. The Transport lab's OT coupling "
     "straightens them.",
     {"sampling": {"sampler": "flow-euler", "schedule": "flow", "steps": 24},
      "display": {"show_paths": True, "field": "velocity", "show_trails": False},
      "camera": {"center": [0.0, 0.0], "height": 9.0}, "playing": False, "step": 24}),
    ("06-sinkhorn-epsilon", "transport", "Sinkhorn's ε: from blurry to sharp",
     "Entropic OT spreads each source point's mass over many targets: with ε = 1 the plan "
     "matrix is a blur and the segments fan out. Drag the ε slider down to 0.01: the plan "
     "sharpens towards the exact map and the cost ⟨P, C⟩ approaches W2². ε-annealing keeps "
     "small ε fast.",
     {"transport": {"epsilon": 1.0, "annealing": False}}),
    ("07-exact-ot", "transport", "Exact optimal transport is a permutation",
     "With equal uniform weights the exact solution (network simplex) is a permutation: each "
     "source point sends all its mass to one target. The plan matrix is a single bright entry "
     "per row. Compare the cost with Sinkhorn's at small ε.",
     {"transport": {"method": "exact"}}),
    ("08-mccann", "transport", "Displacement interpolation (McCann)",
     "Each plan entry carries its mass along the straight line (1 − t) x_i + t y_j: the pink "
     "cloud is the W2 geodesic between the two measures. Press Space to animate t; unlike a "
     "mixture of the two clouds, the shape travels.",
     {"transport": {"show_interpolation": True, "t": 0.5, "animate": True,
                    "show_plan": False}}),
    ("09-ot-couplings-straighten", "transport", "OT couplings straighten flow paths",
     "Flow matching pairs noise with data. Independent pairs cross each other thousands of "
     "times; the exact OT coupling (shown) pairs each data point with nearby noise, cutting "
     "the crossings to a few hundred and the mean squared path length about sevenfold: the "
     "legend counts both for each coupling. Send the OT coupling to the Diffusion lab and its "
     "flow needs fewer steps.",
     {"transport": {"mode": "coupling", "coupling": "exact"}}),
    ("10-kantorovich-potentials", "transport", "Kantorovich potentials",
     "The heatmap is the source potential f(x), extended to the plane by the (soft) "
     "c-transform of g. OT moves mass downhill on f: for the squared cost the map is "
     "x − ∇f(x)/2 (Brenier). Try g (target) as well.",
     {"transport": {"potential": "source", "show_plan": False}}),
    ("11-why-sqrt-d", "attention", "Why divide by √d",
     "With unscaled scores q·k the logits grow like √d and softmax saturates: each query "
     "attends to one key. Here the scale is off; switch scale to 1/√d in the panel and the "
     "weights spread. The Lessons window (right) plots the entropy against d for both.",
     {"attention": {"scale": "none"}}),
    ("12-rope-relative", "attention", "RoPE sees only relative position",
     "Rotary embeddings rotate q and k by angles proportional to their positions, so the score "
     "of query m and key n depends on the positions only through m − n. RoPE is on here: the "
     "weights now depend on the tokens' order as well as their coordinates. Toggle it and "
     "compare the matrix.",
     {"attention": {"rope": True}}),
    ("13-causal-mask", "attention", "Causal masking",
     "A causal mask hides key j from query i when j > i: the matrix's upper triangle is masked "
     "(grey, struck through, never a weight), and each row's weights sum to 1 over the keys it "
     "can see. The first query attends only to itself.",
     {"attention": {"causal": True, "selected": 12}}),
    ("14-attention-is-denoising", "attention", "Attention is the ideal denoiser",
     "Keys and values are the data, the query a noisy point, scores −|x − y|²/(2σ²): softmax "
     "attention computes exactly E[x0 | x], the ideal denoiser of the Diffusion lab. The "
     "caption shows both and their difference. Move the σ slider: the temperature.",
     {"attention": {"diffusion_link": True}}),
    ("15-theory-vs-effective-rf", "rf", "Theoretical vs effective receptive field",
     "The yellow box is the theoretical receptive field of a conv5_3 unit of VGG16: 196 pixels "
     "wide. The ERF inside it (magma) is the gradient of the unit with respect to the input: "
     "a Gaussian-like blob well inside the box: its edges barely matter.",
     {"receptive_field": {"layer": "conv5_3"}}),
    ("16-erf-grows-like-sqrt-depth", "rf", "The ERF grows like √depth",
     "Stacking n 3×3 convolutions grows the theoretical size linearly (2n + 1), but the ERF's "
     "spread like √n, as a sum of independent steps (Luo et al. 2016). The chart plots both for "
     "every layer; pick deeper layers in the table.",
     {"receptive_field": {"show_growth": True, "layer": "conv4_3"}}),
    ("17-a-network-learns-the-field", "training", "A network learns the exact field",
     "A 3 × 64 SiLU network learns flow matching's velocity on the ring of eight Gaussians. "
     "Press Space: the minibatch loss (amber) falls towards the irreducible loss (green), the "
     "loss of the exact mixture's own velocity, which no network can go below; the difference "
     "heatmap between the learned (cyan) and exact (grey) arrows darkens, and the orange samples "
     "settle on the ring within a few seconds.",
     {"training": {"playing": True}}),
    ("18-memorise-or-generalise", "training", "Memorise or generalise",
     "Train on only 16 points of the ring. The ideal denoiser of those 16 points (the exact "
     "model of the training set) copies them: every sample lands on one. A small network trained "
     "for a while does not: it smooths between them, and its held-out loss stays above its "
     "training loss. Raise N and compare the two copy rates in the curves window.",
     {"training": {"points": 16, "playing": True}}),
    ("19-reflow-straightens", "training", "Reflow straightens the paths",
     "Flow matching with independent pairs learns curved paths: one Euler step lands in a "
     "blur. Train, then press Reflow round: the network's own ODE pairs each noise point with "
     "its endpoint, training goes on from those pairs, and the paths straighten: fewer "
     "crossings, straightness nearer 1, a better one-step sample.",
     {"training": {"playing": True, "reflow_pairs": 4000}}),
    ("20-a-flow-gaussianises", "flows", "A flow carries the data to a Gaussian",
     "A RealNVP of 8 affine couplings, trained for 400 steps on two moons. Pick gaussianise "
     "and step the layers with Left and Right: each coupling moves one coordinate by an amount "
     "the other decides, and the data and the grid over it bend, layer by layer, into the "
     "round latent Gaussian. Its log-likelihood is the base density plus every layer's "
     "log |det J|: the bars in the curves window.",
     {"data": "moons", "trained_steps": 400, "view": {"generate": False, "heatmap": "logdet"}}),
    ("21-flows-keep-filaments", "flows", "Why a flow keeps filaments between modes",
     "An invertible, smooth map cannot tear one Gaussian into eight separate pieces. Trained "
     "on the ring of eight, the flow's density (left of the split) keeps thin bridges of mass "
     "between the modes that the data's (right) does not have; train longer (Space) and they "
     "thin, but never vanish. Spline couplings bend more sharply than affine ones.",
     {"data": "gmm8", "trained_steps": 400, "view": {"generate": True, "heatmap": "split"}}),
    ("22-a-critic-is-a-kantorovich-potential", "transport",
     "A WGAN critic is a learned Kantorovich potential",
     "By Kantorovich–Rubinstein duality W1 is the largest E_a f − E_b f over 1-Lipschitz f. A "
     "network trained to maximise it with a gradient penalty (left of the line) learns nearly "
     "the exact potential φ (right): compare the level lines. The penalty is soft: red dots "
     "mark |∇f| > 1, and the estimate overshoots W1 by about W1/(2λ). Switch Lipschitz to clip "
     "(the estimate collapses) or sn (it stays below W1).",
     {"transport": {"mode": "critic",
                    "critic": {"steps": 800, "width": 32, "depth": 2, "batch": 128}}}),
    ("23-gan-drops-modes", "transport", "Mode dropping: the original GAN and WGAN-GP",
     "A generator (orange) learns the ring of eight Gaussians (teal) against a critic; the "
     "white arrows are the pushes it feels. With WGAN-GP all eight modes are covered after 500 "
     "iterations. Set loss to original and train again: at the same seed it covers only some "
     "of the modes (5 of 8 here) and wanders between them before it spreads out.",
     {"transport": {"mode": "gan", "gan": {"iterations": 500},
                    "target": {"name": "gmm8", "count": 500, "scale": 1.0, "offset": [0.0, 0.0],
                               "points": ring_of_eight(500, 5), "weights": [1.0] * 500}}}),
    ("24-reparameterise-or-reinforce", "estimators", "Reparameterisation against REINFORCE",
     "Both estimate the gradient of E[z²] for z ~ N(μ, σ²), without bias: the histograms centre "
     "on the exact value (white). The pathwise estimate f′(μ + σε) differentiates through the "
     "sample and is narrow; REINFORCE f(z)∇log p(z) only scores it and is several times wider. "
     "Baselines (running mean, leave-one-out) narrow it. Press Space: the descent with "
     "REINFORCE wanders. Try f = step: the pathwise gradient is 0 almost surely.",
     {"estimators": {"descent_steps": 100}}),
    ("25-gumbel-softmax-temperature", "estimators", "Gumbel-softmax: bias for variance",
     "For a categorical z, relax the sample to y = softmax((θ + g)/τ) and differentiate "
     "through it. At small τ the samples sit on the corners of the simplex (its panel): "
     "nearly unbiased but noisy; at large τ they crowd the middle: smooth gradients, biased. The "
     "chart against τ measures both. Move τ and watch the pink histogram move off "
     "the exact value.",
     {"estimators": {"dist": "categorical", "tau": 0.3, "descent_steps": 100}}),
]


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build")
    cli = os.path.join(build, "bin", "flowscope-cli")
    defaults = {lab: default_scene(cli, lab)
                for lab in {"diffusion", "transport", "attention", "rf", "training", "flows",
                        "estimators"}}
    out_dir = os.path.join(ROOT, "assets", "lessons")
    os.makedirs(out_dir, exist_ok=True)
    for name, lab, title, note, patch in LESSONS:
        scene = merged(defaults[lab], patch)
        scene["lesson"] = {"title": title, "note": note}
        with open(os.path.join(out_dir, name + ".json"), "w") as f:
            json.dump(scene, f, indent=1, ensure_ascii=False)
            f.write("\n")
    print("wrote", len(LESSONS), "lessons to", out_dir)


if __name__ == "__main__":
    main()
