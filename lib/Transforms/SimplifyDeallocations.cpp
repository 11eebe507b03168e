//===- SimplifyDeallocations.cpp - mx-simplify-deallocations --------------===//
//
// Part of the MX project.
//
//===----------------------------------------------------------------------===//
//
// Splits every provably unaliased buffer out of the block-end
// `bufferization.dealloc` that ownership-based deallocation emits, and frees
// it after its last use. Upstream's `buffer-deallocation-simplification`
// does the splitting with pairwise alias queries, quadratic in a block's
// buffers, and cannot see that a call returns a new buffer; here each
// buffer's origin is computed once, and functions that return only new
// buffers are known (docs/Lowering.md, "Deallocation").
//
//===----------------------------------------------------------------------===//

#include "mx/Transforms/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Threading.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace mlir {
namespace mx {
#define GEN_PASS_DEF_SIMPLIFYDEALLOCATIONSPASS
#include "mx/Transforms/Passes.h.inc"
} // namespace mx
} // namespace mlir

using namespace mlir;
using namespace mlir::mx;

namespace {

/// Where a memref's buffer comes from.
enum class OriginKind {
  /// A buffer allocated in this function: by an op that allocates heap
  /// memory, or by a call to a function that returns only new buffers. Two
  /// fresh origins are the same buffer only if they are the same value.
  Fresh,
  /// An argument of the function: distinct from every fresh buffer.
  Argument,
  /// Anything else, which may alias any buffer.
  Unknown,
};

struct Origin {
  OriginKind kind;
  Value value; // The allocating value (Fresh) or the argument.
};

/// The value whose buffer `v` views: through view-like ops and the base
/// buffer of `memref.extract_strided_metadata`.
Value viewRoot(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (auto md = dyn_cast<memref::ExtractStridedMetadataOp>(def)) {
      v = md.getSource();
      continue;
    }
    auto view = dyn_cast<ViewLikeOpInterface>(def);
    if (!view || view.getViewDest() != v)
      break;
    v = view.getViewSource();
  }
  return v;
}

/// True if `def` allocates heap memory for its result `v` (not a stack
/// allocation, which no dealloc frees).
bool allocatesHeap(Operation *def, Value v) {
  auto effects = dyn_cast<MemoryEffectOpInterface>(def);
  if (!effects)
    return false;
  SmallVector<MemoryEffects::EffectInstance> list;
  effects.getEffectsOnValue(v, list);
  return llvm::any_of(list, [](const MemoryEffects::EffectInstance &e) {
    return isa<MemoryEffects::Allocate>(e.getEffect()) &&
           e.getResource() !=
               SideEffects::AutomaticAllocationScopeResource::get();
  });
}

/// The functions of the module's own symbol table that return only buffers
/// they allocate (or get from such functions), distinct from each other:
/// a call to one returns buffers no other value of the caller aliases.
class FreshCallees {
public:
  explicit FreshCallees(ModuleOp module) : moduleOp(module) {
    for (auto fn : module.getOps<func::FuncOp>())
      byName[fn.getSymNameAttr()] = fn;
    for (auto fn : module.getOps<func::FuncOp>())
      compute(fn);
  }

  /// True if `call` (in the module's own symbol table) calls such a
  /// function. Read-only: safe from several threads.
  bool returnsFresh(func::CallOp call) const {
    // A call in a nested symbol table names a function of that table.
    if (SymbolTable::getNearestSymbolTable(call) != moduleOp)
      return false;
    auto it = byName.find(call.getCalleeAttr().getAttr());
    if (it == byName.end())
      return false;
    auto state = fresh.find(it->second);
    return state != fresh.end() && state->second == State::Fresh;
  }

  /// The origin of memref `v`, a value of a function's body.
  Origin originOf(Value v) const {
    Value root = viewRoot(v);
    if (auto arg = dyn_cast<BlockArgument>(root)) {
      Block *owner = arg.getOwner();
      if (owner->isEntryBlock() &&
          isa<FunctionOpInterface>(owner->getParentOp()))
        return {OriginKind::Argument, root};
      return {OriginKind::Unknown, root};
    }
    Operation *def = root.getDefiningOp();
    if (allocatesHeap(def, root))
      return {OriginKind::Fresh, root};
    if (auto call = dyn_cast<func::CallOp>(def); call && returnsFresh(call))
      return {OriginKind::Fresh, root};
    return {OriginKind::Unknown, root};
  }

private:
  enum class State { InProgress, Fresh, NotFresh };

  void compute(func::FuncOp fn) {
    // Done, or a recursive call, which counts as not fresh (conservative).
    if (!fresh.try_emplace(fn, State::InProgress).second)
      return;
    bool ok = !fn.isExternal();
    for (Block &block : fn.getBody()) {
      auto ret = dyn_cast<func::ReturnOp>(block.getTerminator());
      if (!ok || !ret)
        continue;
      llvm::SmallDenseSet<Value, 4> seen;
      for (Value v : ret.getOperands()) {
        if (!isa<BaseMemRefType>(v.getType()))
          continue;
        Value root = viewRoot(v);
        Operation *def = root.getDefiningOp();
        bool isFresh = def && allocatesHeap(def, root);
        if (!isFresh && def)
          if (auto call = dyn_cast<func::CallOp>(def)) {
            auto callee = byName.find(call.getCalleeAttr().getAttr());
            if (callee != byName.end() &&
                SymbolTable::getNearestSymbolTable(call) == moduleOp) {
              compute(callee->second);
              isFresh = fresh[callee->second] == State::Fresh;
            }
          }
        if (!isFresh || !seen.insert(root).second) {
          ok = false;
          break;
        }
      }
    }
    fresh[fn] = ok ? State::Fresh : State::NotFresh;
  }

  ModuleOp moduleOp;
  DenseMap<Attribute, func::FuncOp> byName;
  DenseMap<Operation *, State> fresh;
};

/// True for result types that cannot carry a buffer or stand for pending
/// work on one (an asynchronous token does).
bool isPlainValueType(Type t) {
  return t.isIntOrIndexOrFloat() || isa<VectorType>(t);
}

/// The op of `block` after which the buffer `root` (defined in `block`) and
/// every view of it are dead, or null if it may be used later than the
/// block's end or through an alias this analysis cannot follow. `skip` is
/// the dealloc being split, whose own uses do not count.
Operation *lastUseInBlock(Value root, Block *block, Operation *skip,
                          const FreshCallees &callees) {
  Operation *last = root.getDefiningOp();
  SmallVector<Value> work{root};
  while (!work.empty()) {
    Value v = work.pop_back_val();
    for (OpOperand &use : v.getUses()) {
      Operation *user = use.getOwner();
      if (user == skip)
        continue;
      // A view of the buffer touches no memory: its uses are the buffer's.
      if (auto md = dyn_cast<memref::ExtractStridedMetadataOp>(user)) {
        work.push_back(md.getBaseBuffer());
        continue;
      }
      if (auto view = dyn_cast<ViewLikeOpInterface>(user);
          view && view.getViewSource() == v) {
        work.push_back(view.getViewDest());
        continue;
      }
      // Any other op must not make an alias of the buffer.
      auto call = dyn_cast<func::CallOp>(user);
      bool freshResults = call && callees.returnsFresh(call);
      for (Type t : user->getResultTypes())
        if (!isPlainValueType(t) && !(freshResults && isa<BaseMemRefType>(t)))
          return nullptr;
      Operation *ancestor = block->findAncestorOpInBlock(*user);
      if (!ancestor || ancestor->hasTrait<OpTrait::IsTerminator>())
        return nullptr;
      // An op with regions that uses the buffer inside may yield it.
      if (ancestor != user)
        for (Type t : ancestor->getResultTypes())
          if (!isPlainValueType(t))
            return nullptr;
      if (last->isBeforeInBlock(ancestor))
        last = ancestor;
    }
  }
  return last;
}

/// One memref taken out of a dealloc: what to free, under which condition,
/// and after which op (null: where the dealloc was).
struct Split {
  Value memref;
  Value condition;
  Value root;
  Operation *after = nullptr;
};

/// Splits the provably unaliased memrefs out of `dealloc`; returns whether
/// it changed anything.
bool simplify(bufferization::DeallocOp dealloc, const FreshCallees &callees,
              bool freeAfterLastUse) {
  // How many memrefs and retained values come from each origin; whether
  // any may alias anything.
  DenseMap<Value, unsigned> count;
  bool unknown = false;
  SmallVector<Origin> origins;
  for (Value m : dealloc.getMemrefs()) {
    Origin o = callees.originOf(m);
    origins.push_back(o);
    unknown |= o.kind == OriginKind::Unknown;
    ++count[o.value];
  }
  for (Value r : dealloc.getRetained()) {
    Origin o = callees.originOf(r);
    unknown |= o.kind == OriginKind::Unknown;
    ++count[o.value];
  }
  if (unknown)
    return false;

  Block *block = dealloc->getBlock();
  SmallVector<Split> splits;
  SmallVector<Value> keptMemrefs, keptConditions;
  for (auto [m, c, o] : llvm::zip_equal(dealloc.getMemrefs(),
                                        dealloc.getConditions(), origins)) {
    if (o.kind != OriginKind::Fresh || count[o.value] != 1) {
      keptMemrefs.push_back(m);
      keptConditions.push_back(c);
      continue;
    }
    Split s{m, c, o.value};
    Operation *def = o.value.getDefiningOp();
    // The early dealloc frees the buffer's base, which only a strided
    // memref has.
    auto rootType = dyn_cast<MemRefType>(o.value.getType());
    if (freeAfterLastUse && def->getBlock() == block && rootType &&
        rootType.isStrided()) {
      s.after = lastUseInBlock(o.value, block, dealloc, callees);
      // The condition must be computed before the buffer is freed.
      if (s.after)
        if (Operation *cdef = c.getDefiningOp())
          if (Operation *cAnc = block->findAncestorOpInBlock(*cdef);
              cAnc && s.after->isBeforeInBlock(cAnc))
            s.after = cAnc;
      if (s.after && !s.after->isBeforeInBlock(dealloc))
        s.after = nullptr;
    }
    splits.push_back(s);
  }
  // Nothing to gain: no buffer moves and the dealloc holds one memref.
  bool moves = llvm::any_of(splits, [](const Split &s) { return s.after; });
  if (splits.empty() || (!moves && dealloc.getMemrefs().size() == 1))
    return false;

  OpBuilder b(dealloc);
  Location loc = dealloc.getLoc();
  // Deallocs placed after the same op keep the memrefs' order.
  DenseMap<Operation *, Operation *> lastInserted;
  for (Split &s : splits) {
    if (!s.after) {
      b.setInsertionPoint(dealloc);
      bufferization::DeallocOp::create(b, loc, s.memref, s.condition,
                                       ValueRange());
      continue;
    }
    Operation *&pos = lastInserted[s.after];
    b.setInsertionPointAfter(pos ? pos : s.after);
    // The dealloc frees a base buffer, as ownership-based deallocation
    // emits it.
    auto md = memref::ExtractStridedMetadataOp::create(b, loc, s.root);
    pos = bufferization::DeallocOp::create(b, loc, md.getBaseBuffer(),
                                           s.condition, ValueRange());
  }
  // The rest, unless nothing is left to free or to answer for.
  if (!keptMemrefs.empty() || !dealloc.getRetained().empty()) {
    b.setInsertionPoint(dealloc);
    auto rest = bufferization::DeallocOp::create(
        b, loc, keptMemrefs, keptConditions, dealloc.getRetained());
    dealloc->replaceAllUsesWith(rest);
  }
  dealloc->erase();
  return true;
}

struct SimplifyDeallocationsPass
    : public mx::impl::SimplifyDeallocationsPassBase<
          SimplifyDeallocationsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    FreshCallees callees(module);
    // Each function's deallocs are its own: functions run in parallel.
    SmallVector<Operation *> functions;
    module.walk<WalkOrder::PreOrder>([&](FunctionOpInterface fn) {
      functions.push_back(fn);
      return WalkResult::skip();
    });
    bool lastUse = freeAfterLastUse;
    parallelForEach(&getContext(), functions, [&](Operation *fn) {
      SmallVector<bufferization::DeallocOp> deallocs;
      fn->walk([&](bufferization::DeallocOp d) { deallocs.push_back(d); });
      for (bufferization::DeallocOp d : deallocs)
        simplify(d, callees, lastUse);
    });
  }
};

} // namespace
