//===- Parallel.cpp - Data-parallel train steps over a Comm ---------------===//
#include "tools/deepc/Parallel.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/xxhash.h"

#include <chrono>
#include <cmath>
#include <cstring>

namespace deepc::driver {

std::pair<int64_t, int64_t> shardRows(int64_t begin, int64_t end, int s,
                                      int w) {
  int64_t n = end - begin;
  return {begin + n * s / w, begin + n * (s + 1) / w};
}

FunctionSpec combinedSpec(const CompiledTrain &compiled) {
  FunctionSpec spec = compiled.main;
  for (const ArgSpec &a : compiled.update.args)
    if (a.kind == Role::State || a.kind == Role::LearningRate)
      spec.args.push_back(a);
  return spec;
}

ShardedStep::ShardedStep(Comm &comm, CompiledTrain &compiled,
                         const FunctionSpec &spec)
    : comm(comm), compiled(compiled), spec(spec) {
  const FunctionSpec &grad = compiled.main, &update = compiled.update;
  buffer.assign(spec.args.size(), false);
  for (size_t i = 0; i < spec.args.size(); ++i)
    buffer[i] = spec.args[i].kind == Role::Param &&
                update.findArg(Role::Param, spec.args[i].name) < 0;
  lossResult = grad.findResult(Role::Loss);
  hasState = grad.findResult(Role::State) >= 0;
  logitsResult = grad.findResult(Role::Logits);
  for (const ResultSpec &r : grad.results) {
    gradResultSlot.push_back(r.role == Role::Param || r.role == Role::State
                                 ? spec.findArg(r.role, r.name)
                                 : -1);
    gradOffset.push_back(gradSize);
    if (r.role == Role::Grad) {
      int64_t n = 1;
      for (int64_t d : r.type.shape)
        n *= d;
      gradSize += size_t(n);
    }
  }
  for (const ArgSpec &a : update.args) {
    updateArgGrad.push_back(
        a.kind == Role::Grad ? grad.findResult(Role::Grad, a.name) : -1);
    updateArgSlot.push_back(
        a.kind == Role::Grad
            ? -1
            : spec.findArg(a.kind, a.kind == Role::LearningRate ? "" : a.name));
  }
  for (const ResultSpec &r : update.results)
    updateResultSlot.push_back(spec.findArg(r.role, r.name));
}

void ShardedStep::initBuffers(const std::vector<Tensor> &args) {
  shardBuffers.assign(size_t(comm.numShards()), {});
  for (size_t k = 1; k < shardBuffers.size(); ++k) {
    shardBuffers[k].resize(args.size());
    for (size_t i = 0; i < args.size(); ++i)
      if (buffer[i])
        shardBuffers[k][i] = args[i];
  }
}

llvm::Expected<float> ShardedStep::run(std::vector<Tensor> &args, int64_t begin,
                                       int64_t end, float lr,
                                       const Gather &gather,
                                       const Score &score) {
  const FunctionSpec &grad = compiled.main, &update = compiled.update;
  if (updateArgSlot.empty() || llvm::is_contained(updateResultSlot, -1) ||
      lossResult < 0)
    return llvm::createStringError("internal error: the split step of @" +
                                   grad.name + " does not match its update");
  int shards = comm.numShards(), world = comm.size();
  double n = double(end - begin);
  flat.resize(size_t(shards));
  std::vector<Tensor> batch(spec.args.size());
  std::vector<const Tensor *> ptrs(grad.args.size());
  // State the gradient function updates (the dropout counter) advances
  // alike on every shard: the first shard's, stored once all have run.
  std::vector<std::pair<size_t, Tensor>> newState;
  for (int k = 0; k < shards; ++k) {
    std::vector<float> &mine = flat[size_t(k)];
    mine.assign(gradSize + 1, 0.0f);
    auto [sb, se] = shardRows(begin, end, comm.firstShard() + k, world);
    if (sb == se) {
      // An empty shard adds nothing, with weight 0; but it cannot advance
      // the state the gradient function updates, as the others do.
      if (hasState)
        return llvm::createStringError(
            llvm::formatv("the batch of {0} samples leaves rank {1} of {2} "
                          "no rows, and @{3} draws dropout masks, whose "
                          "counter every rank must advance: use fewer ranks "
                          "or another --batch",
                          end - begin, comm.firstShard() + k, world, grad.name)
                .str());
      continue;
    }
    std::vector<Tensor> &buffers = k == 0 ? args : shardBuffers[size_t(k)];
    gather(sb, se, batch);
    for (size_t i = 0; i < grad.args.size(); ++i)
      ptrs[i] = grad.args[i].kind == Role::Input ? &batch[i]
                : buffer[i]                      ? &buffers[i]
                                                 : &args[i];
    auto out = compiled.jit->call(grad, ptrs);
    if (!out)
      return out.takeError();
    // The shard's share of the batch: its mean gradient times this sums to
    // the batch's mean gradient, the partial last batch included.
    float weight = float(double(se - sb) / n);
    for (size_t r = 0; r < out->size(); ++r) {
      Tensor &t = (*out)[r];
      if (grad.results[r].role == Role::Grad) {
        const float *src = t.data<float>();
        float *dst = mine.data() + gradOffset[r];
        for (int64_t j = 0, e = t.numel(); j < e; ++j)
          dst[j] = src[j] * weight;
      } else if (grad.results[r].role == Role::State) {
        if (k == 0)
          newState.emplace_back(size_t(gradResultSlot[r]), std::move(t));
      } else if (gradResultSlot[r] >= 0) {
        buffers[size_t(gradResultSlot[r])] = std::move(t);
      }
    }
    mine[gradSize] = (*out)[lossResult].data<float>()[0] * weight;
    if (logitsResult >= 0 && score)
      score((*out)[logitsResult], batch);
  }

  std::vector<float *> parts;
  for (std::vector<float> &f : flat)
    parts.push_back(f.data());
  auto start = std::chrono::steady_clock::now();
  if (timeApart) {
    if (llvm::Error err = comm.barrier())
      return std::move(err);
    auto now = std::chrono::steady_clock::now();
    waitSeconds += std::chrono::duration<double>(now - start).count();
    start = now;
  }
  if (llvm::Error err = comm.sumF32(parts, gradSize + 1))
    return std::move(err);
  commSeconds +=
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  float loss = flat[0][gradSize];
  if (!std::isfinite(loss))
    return loss; // the caller stops; the update would spread the NaN

  std::vector<Tensor> grads(update.args.size());
  std::vector<const Tensor *> updatePtrs(update.args.size());
  for (size_t a = 0; a < update.args.size(); ++a) {
    if (update.args[a].kind == Role::LearningRate)
      args[size_t(updateArgSlot[a])].data<float>()[0] = lr;
    if (updateArgGrad[a] < 0) {
      updatePtrs[a] = &args[size_t(updateArgSlot[a])];
      continue;
    }
    grads[a] = Tensor(DType::F32, update.args[a].type.shape);
    std::memcpy(grads[a].data<float>(),
                flat[0].data() + gradOffset[size_t(updateArgGrad[a])],
                size_t(grads[a].numel()) * sizeof(float));
    updatePtrs[a] = &grads[a];
  }
  auto out = compiled.jit->call(update, updatePtrs);
  if (!out)
    return out.takeError();
  for (size_t r = 0; r < out->size(); ++r)
    args[size_t(updateResultSlot[r])] = std::move((*out)[r]);
  for (auto &[slot, value] : newState)
    args[slot] = std::move(value);
  return loss;
}

uint64_t ShardedStep::weightsHash(const std::vector<Tensor> &args) const {
  uint64_t hash = 0;
  for (size_t i = 0; i < spec.args.size(); ++i) {
    Role role = spec.args[i].kind;
    if ((role != Role::Param && role != Role::State) || buffer[i])
      continue;
    llvm::ArrayRef<uint8_t> bytes(
        reinterpret_cast<const uint8_t *>(args[i].bytes.data()),
        args[i].bytes.size());
    hash = hash * 0x9E3779B97F4A7C15ull + llvm::xxh3_64bits(bytes);
  }
  return hash;
}

llvm::Error ShardedStep::broadcastWeights(std::vector<Tensor> &args) {
  for (size_t i = 0; i < spec.args.size(); ++i) {
    Role role = spec.args[i].kind;
    if (role != Role::Param && role != Role::State)
      continue;
    llvm::MutableArrayRef<uint8_t> bytes(
        reinterpret_cast<uint8_t *>(args[i].bytes.data()),
        args[i].bytes.size());
    if (llvm::Error err = comm.broadcast(bytes, 0))
      return err;
  }
  return llvm::Error::success();
}

} // namespace deepc::driver
