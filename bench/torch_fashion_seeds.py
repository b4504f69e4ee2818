#!/usr/bin/env python3
# The Fashion-MNIST MLP of SPEC section 1 (examples/fashion_mlp.nn: 784-128-10,
# cross-entropy + 1e-4 * l2 of the weights, SGD lr 0.02 momentum 0.9,
# clip_grad_norm_ 5, batch 64, 3 epochs) in PyTorch, one thread, shuffled by
# torch.randperm: test accuracy per seed, to compare with
#   deepc train examples/fashion_mlp.nn --seed S --data ... --val ...
# Usage: /usr/bin/python3 bench/torch_fashion_seeds.py 0 1 2 ...
import gzip, sys, numpy as np, torch, torch.nn as nn
torch.set_num_threads(1)
D='/usr/share/datasets/fashion-mnist/'
def idx(p):
    b=gzip.open(D+p).read(); n=int.from_bytes(b[4:8],'big')
    return np.frombuffer(b, np.uint8, offset=16 if 'images' in p else 8)
X=torch.tensor(idx('train-images-idx3-ubyte.gz').reshape(-1,784)/255.,dtype=torch.float32)
Y=torch.tensor(idx('train-labels-idx1-ubyte.gz').astype(np.int64))
Xt=torch.tensor(idx('t10k-images-idx3-ubyte.gz').reshape(-1,784)/255.,dtype=torch.float32)
Yt=torch.tensor(idx('t10k-labels-idx1-ubyte.gz').astype(np.int64))
for seed in map(int, sys.argv[1:]):
    torch.manual_seed(seed)
    fc1=nn.Linear(784,128); out=nn.Linear(128,10)
    params=list(fc1.parameters())+list(out.parameters())
    opt=torch.optim.SGD(params, lr=0.02, momentum=0.9)
    for ep in range(3):
        perm=torch.randperm(60000)
        for i in range(0,60000,64):
            b=perm[i:i+64]
            logits=out(torch.relu(fc1(X[b])))
            loss=nn.functional.cross_entropy(logits,Y[b])+1e-4*(fc1.weight.pow(2).sum()+out.weight.pow(2).sum())
            opt.zero_grad(); loss.backward()
            torch.nn.utils.clip_grad_norm_(params,5.0); opt.step()
    with torch.no_grad():
        acc=(out(torch.relu(fc1(Xt))).argmax(1)==Yt).float().mean().item()
    print(f"torch seed {seed}: {acc:.4f}", flush=True)
