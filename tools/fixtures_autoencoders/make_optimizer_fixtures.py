#!/usr/bin/env python3
"""Runs TensorFlow's own optimizer kernels (the TF1 update ops behind tf.compat.v1.train.*Optimizer)
for three steps on a small variable and writes every intermediate value to
Tests/AutoencodersTests/Fixtures/tf1_optimizers.json, which OptimizerTests replays in Swift.

Usage: python3 tools/fixtures_autoencoders/make_optimizer_fixtures.py   (needs tensorflow)
"""
import json, os
import numpy as np
import tensorflow as tf

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "AutoencodersTests", "Fixtures", "tf1_optimizers.json")
rng = np.random.default_rng(0)
init = rng.normal(size=(2, 3)).astype(np.float32)
grads = [rng.normal(size=(2, 3)).astype(np.float32) * s for s in (1.0, 0.1, 3.0)]
f32 = np.float32

def floats(a): return [float(v) for v in np.asarray(a, dtype=np.float32).ravel()]

def run(name, slots, apply):
    var = tf.Variable(init)
    slot_vars = [tf.Variable(np.full(init.shape, v, np.float32)) for v in slots]
    history = []
    state = {}
    for t, g in enumerate(grads):
        apply(var, slot_vars, tf.constant(g), state)
        history.append({"var": floats(var.numpy()), "slots": [floats(s.numpy()) for s in slot_vars]})
    return {"name": name, "history": history}

cases = []

b1, b2, lr, eps = f32(0.9), f32(0.999), f32(0.01), f32(1e-8)
def adam(var, s, g, st):
    p1 = st.get("p1", b1); p2 = st.get("p2", b2)
    tf.raw_ops.ResourceApplyAdam(var=var.handle, m=s[0].handle, v=s[1].handle, beta1_power=p1, beta2_power=p2,
                                 lr=lr, beta1=b1, beta2=b2, epsilon=eps, grad=g)
    st["p1"] = f32(p1 * b1); st["p2"] = f32(p2 * b2)   # TF1 updates the non-slot powers after the step
c = run("adam", [0, 0], adam); c.update(learningRate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8); cases.append(c)

def momentum(var, s, g, st):
    tf.raw_ops.ResourceApplyMomentum(var=var.handle, accum=s[0].handle, lr=f32(0.05), grad=g, momentum=f32(0.9))
c = run("momentum", [0], momentum); c.update(learningRate=0.05, momentum=0.9); cases.append(c)

def rmsprop(var, s, g, st):
    tf.raw_ops.ResourceApplyRMSProp(var=var.handle, ms=s[0].handle, mom=s[1].handle, lr=f32(0.01), rho=f32(0.9),
                                    momentum=f32(0.5), epsilon=f32(1e-10), grad=g)
c = run("rmsprop", [1, 0], rmsprop); c.update(learningRate=0.01, decay=0.9, momentum=0.5, epsilon=1e-10); cases.append(c)

def adagrad(var, s, g, st):
    tf.raw_ops.ResourceApplyAdagrad(var=var.handle, accum=s[0].handle, lr=f32(0.1), grad=g)
c = run("adagrad", [0.1], adagrad); c.update(learningRate=0.1, initialAccumulator=0.1); cases.append(c)

def sgd(var, s, g, st):
    tf.raw_ops.ResourceApplyGradientDescent(var=var.handle, alpha=f32(0.1), delta=g)
c = run("sgd", [], sgd); c.update(learningRate=0.1); cases.append(c)

doc = {"tensorflow": tf.__version__, "shape": list(init.shape), "initial": floats(init),
       "gradients": [floats(g) for g in grads], "cases": cases}
with open(OUT, "w") as f:
    json.dump(doc, f, indent=1)
print("wrote", os.path.normpath(OUT))
