#include "ExactTransport.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>

#include "Parallel.h"

namespace flowscope {
namespace {

struct Cell {
  size_t i, j;
  double flow;
};

// Indices of `points` in the order of a Hilbert curve over the bounding box of both clouds
// (2^16 cells a side).
std::vector<size_t> hilbertOrder(const std::vector<glm::dvec2>& points, glm::dvec2 lo,
                                 glm::dvec2 hi) {
  auto index = [&](glm::dvec2 p) {
    const uint32_t side = 1u << 16;
    glm::dvec2 t = (p - lo) / glm::max(hi - lo, glm::dvec2(1e-300));
    uint32_t x = std::min(side - 1, uint32_t(t.x * side)),
             y = std::min(side - 1, uint32_t(t.y * side));
    uint64_t d = 0;
    for (uint32_t s = side / 2; s > 0; s /= 2) {
      const uint32_t rx = (x & s) > 0, ry = (y & s) > 0;
      d += uint64_t(s) * s * ((3 * rx) ^ ry);
      if (ry == 0) {  // rotate the quadrant
        if (rx == 1) x = s - 1 - x, y = s - 1 - y;
        std::swap(x, y);
      }
    }
    return d;
  };
  std::vector<uint64_t> keys(points.size());
  for (size_t i = 0; i < points.size(); ++i) keys[i] = index(points[i]);
  std::vector<size_t> order(points.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t p, size_t q) { return keys[p] < keys[q]; });
  return order;
}

class TransportSimplex {
 public:
  TransportSimplex(const Measure& a, const Measure& b, CostKind cost)
      : a_(a), b_(b), cost_(cost), n_(a.points.size()), m_(b.points.size()), adjacency_(n_ + m_) {
    // Pricing scans the costs over and over. A squared distance is cheaper to recompute from the
    // points (a row scan reads m points, which stay in cache) than to stream from a stored n x m
    // matrix; a Euclidean one needs a square root, so those are kept (as POT does) up to
    // 5,000 x 5,000 cells.
    if (cost_ == CostKind::Euclidean && n_ * m_ <= kMaxStoredCosts) {
      costs_.resize(n_ * m_);
      parallelFor(
          n_,
          [&](size_t i) {
            for (size_t j = 0; j < m_; ++j)
              costs_[i * m_ + j] = costOf(cost_, a_.points[i], b_.points[j]);
          },
          16);
    }
    northWestCorner();
  }

  ExactResult solve(long maxPivots) {
    ExactResult r;
    const size_t total = n_ * m_;
    const size_t block = std::max<size_t>(64, size_t(std::sqrt(double(total))));
    size_t cursor = 0;
    computePotentials();
    for (;;) {
      // Block pricing: the most negative reduced cost in the first block that has one.
      const size_t best = price(cursor, block);
      if (best == total) break;  // no negative reduced cost: optimal
      cursor = (best + 1) % total;
      pivot(best / m_, best % m_);
      if (++r.pivots >= maxPivots) {
        r.status = SolveStatus::NotConverged;
        r.message = "stopped after " + std::to_string(r.pivots) + " pivots";
        return finish(r);
      }
    }
    r.status = SolveStatus::Converged;
    return finish(r);
  }

 private:
  static constexpr double kTolerance = 1e-12;
  static constexpr size_t kMaxStoredCosts = size_t(5000) * 5000;

  // The cell with the most negative reduced cost C_ij - u_i - v_j in the first block (of `block`
  // cells, scanned cyclically from `cursor`) that has one below -tolerance; n m when none does.
  // Walks row segments so that the inner loop is a branch-light scan of one cost row.
  size_t price(size_t cursor, size_t block) const {
    const size_t total = n_ * m_;
    size_t best = total, scanned = 0;
    double bestReduced = -kTolerance * scale_;
    size_t i = cursor / m_, j = cursor % m_;
    while (scanned < total) {
      const size_t end = std::min(scanned + block, total);
      while (scanned < end) {
        const size_t len = std::min(m_ - j, end - scanned);
        // reduced < bestReduced  <=>  C_ij - v_j < bestReduced + u_i
        double threshold = bestReduced + u_[i];
        size_t bestK = SIZE_MAX;
        const double* v = v_.data() + j;
        if (!costs_.empty()) {
          const double* row = costs_.data() + i * m_ + j;
          for (size_t k = 0; k < len; ++k) {
            const double r = row[k] - v[k];
            if (r < threshold) threshold = r, bestK = k;
          }
        } else {
          const glm::dvec2 x = a_.points[i];
          const glm::dvec2* y = b_.points.data() + j;
          for (size_t k = 0; k < len; ++k) {
            const double r = costOf(cost_, x, y[k]) - v[k];
            if (r < threshold) threshold = r, bestK = k;
          }
        }
        if (bestK != SIZE_MAX) bestReduced = threshold - u_[i], best = i * m_ + j + bestK;
        scanned += len;
        j += len;
        if (j == m_) {
          j = 0;
          if (++i == n_) i = 0;
        }
      }
      if (best != total) break;
    }
    return best;
  }

  double c(size_t i, size_t j) const {
    return costs_.empty() ? costOf(cost_, a_.points[i], b_.points[j]) : costs_[i * m_ + j];
  }

  void addCell(size_t i, size_t j, double flow) {
    cells_.push_back({i, j, flow});
    adjacency_[i].push_back(cells_.size() - 1);
    adjacency_[n_ + j].push_back(cells_.size() - 1);
  }

  // The north-west corner rule on both clouds sorted along one Hilbert curve: a spanning tree of
  // n + m - 1 cells (degenerate zero cells where supply and demand run out together), feasible by
  // construction, and already close to optimal because it pairs nearby points (few pivots left).
  void northWestCorner() {
    glm::dvec2 lo(INFINITY), hi(-INFINITY);
    for (const auto* m : {&a_, &b_})
      for (const auto& p : m->points) lo = glm::min(lo, p), hi = glm::max(hi, p);
    const std::vector<size_t> rows = hilbertOrder(a_.points, lo, hi),
                              cols = hilbertOrder(b_.points, lo, hi);
    std::vector<double> supply = a_.weights, demand = b_.weights;
    size_t r = 0, q = 0;
    while (r < n_ && q < m_) {
      const size_t i = rows[r], j = cols[q];
      const double x = std::min(supply[i], demand[j]);
      addCell(i, j, x);
      supply[i] -= x;
      demand[j] -= x;
      if (r + 1 < n_ && (supply[i] <= demand[j] || q + 1 == m_))
        ++r;
      else
        ++q;
    }
    for (size_t k = 0; k < cells_.size(); ++k)
      scale_ = std::max(scale_, c(cells_[k].i, cells_[k].j));
    scale_ = std::max(scale_, 1e-300);
  }

  // Node ids: rows 0..n-1, columns n..n+m-1. BFS from row 0 gives parents, depths and potentials.
  void computePotentials() {
    const size_t nodes = n_ + m_;
    parentCell_.assign(nodes, SIZE_MAX);
    parent_.assign(nodes, SIZE_MAX);
    depth_.assign(nodes, 0);
    u_.assign(n_, 0.0);
    v_.assign(m_, 0.0);
    std::vector<char> seen(nodes, 0);
    std::vector<size_t> queue = {0};
    seen[0] = 1;
    for (size_t q = 0; q < queue.size(); ++q) {
      const size_t node = queue[q];
      for (size_t k : adjacency_[node]) {
        const Cell& cell = cells_[k];
        const size_t other = node < n_ ? n_ + cell.j : cell.i;
        if (seen[other]) continue;
        seen[other] = 1;
        parent_[other] = node;
        parentCell_[other] = k;
        depth_[other] = depth_[node] + 1;
        if (other >= n_)
          v_[cell.j] = c(cell.i, cell.j) - u_[cell.i];
        else
          u_[cell.i] = c(cell.i, cell.j) - v_[cell.j];
        queue.push_back(other);
      }
    }
  }

  // Adds cell (i, j), moves theta around the cycle it closes, removes a cell that empties.
  void pivot(size_t i, size_t j) {
    // The tree path from column node n+j to row node i, as cells in order from the column side.
    std::vector<size_t> fromColumn, fromRow;
    size_t x = n_ + j, y = i;
    while (x != y) {
      if (depth_[x] >= depth_[y]) {
        fromColumn.push_back(parentCell_[x]);
        x = parent_[x];
      } else {
        fromRow.push_back(parentCell_[y]);
        y = parent_[y];
      }
    }
    std::vector<size_t> path = fromColumn;
    path.insert(path.end(), fromRow.rbegin(), fromRow.rend());
    // Along the path from the column, cells alternate -, +, -, ...: the entering cell is +.
    double theta = INFINITY;
    size_t leaving = SIZE_MAX;
    for (size_t k = 0; k < path.size(); k += 2)
      if (cells_[path[k]].flow < theta) theta = cells_[path[k]].flow, leaving = path[k];
    for (size_t k = 0; k < path.size(); ++k) cells_[path[k]].flow += (k % 2 == 0 ? -theta : theta);
    // The leaving cell cuts the tree in two; the part away from the root (the subtree S below
    // the leaving cell) is re-hung from the entering cell. Only S's parents, depths and
    // potentials change, so only S is visited.
    const size_t rowNode = cells_[leaving].i, colNode = n_ + cells_[leaving].j;
    const size_t child = parentCell_[rowNode] == leaving ? rowNode : colNode;
    auto detach = [&](size_t node, size_t cellIndex) {
      auto& list = adjacency_[node];
      list.erase(std::find(list.begin(), list.end(), cellIndex));
    };
    detach(rowNode, leaving);
    detach(colNode, leaving);
    const uint32_t inS = ++stamp_;
    collect(child, inS);
    cells_[leaving] = {i, j, theta};
    adjacency_[i].push_back(leaving);
    adjacency_[n_ + j].push_back(leaving);
    const bool rowInside = mark_[i] == inS;
    rehang(rowInside ? i : n_ + j, rowInside ? n_ + j : i, leaving, inS);
  }

  // Marks the nodes reachable from `start` (the subtree cut off by the leaving cell).
  void collect(size_t start, uint32_t stamp) {
    queue_.clear();
    queue_.push_back(start);
    mark_[start] = stamp;
    for (size_t q = 0; q < queue_.size(); ++q)
      for (size_t k : adjacency_[queue_[q]]) {
        const size_t other = queue_[q] < n_ ? n_ + cells_[k].j : cells_[k].i;
        if (mark_[other] != stamp) mark_[other] = stamp, queue_.push_back(other);
      }
  }

  // Hangs the marked subtree from `outside` through cell `via` (entering at `inside`) and
  // recomputes its parents, depths and potentials.
  void rehang(size_t inside, size_t outside, size_t via, uint32_t inS) {
    const uint32_t done = ++stamp_;
    attach(inside, outside, via);
    queue_.clear();
    queue_.push_back(inside);
    mark_[inside] = done;
    for (size_t q = 0; q < queue_.size(); ++q) {
      const size_t node = queue_[q];
      for (size_t k : adjacency_[node]) {
        const size_t other = node < n_ ? n_ + cells_[k].j : cells_[k].i;
        if (mark_[other] != inS) continue;  // outside S, or already re-hung
        mark_[other] = done;
        attach(other, node, k);
        queue_.push_back(other);
      }
    }
  }

  void attach(size_t node, size_t parent, size_t cell) {
    parent_[node] = parent;
    parentCell_[node] = cell;
    depth_[node] = depth_[parent] + 1;
    const Cell& e = cells_[cell];
    if (node >= n_)
      v_[e.j] = c(e.i, e.j) - u_[e.i];
    else
      u_[e.i] = c(e.i, e.j) - v_[e.j];
  }

  ExactResult& finish(ExactResult& r) {
    std::vector<double> rows(n_, 0.0), cols(m_, 0.0);
    for (const Cell& cell : cells_) {
      const double mass = std::max(0.0, cell.flow);
      rows[cell.i] += mass;
      cols[cell.j] += mass;
      r.cost += mass * c(cell.i, cell.j);
      if (mass > 0.0) r.plan.push_back({cell.i, cell.j, mass});
    }
    r.u = u_;
    r.v = v_;
    for (size_t i = 0; i < n_; ++i) r.marginalError += std::abs(rows[i] - a_.weights[i]);
    for (size_t j = 0; j < m_; ++j) r.marginalError += std::abs(cols[j] - b_.weights[j]);
    std::sort(r.plan.begin(), r.plan.end(), [](const PlanEntry& p, const PlanEntry& q) {
      return p.i != q.i ? p.i < q.i : p.j < q.j;
    });
    return r;
  }

  const Measure &a_, &b_;
  CostKind cost_;
  size_t n_, m_;
  std::vector<Cell> cells_;
  std::vector<std::vector<size_t>> adjacency_;
  std::vector<size_t> parent_, parentCell_, depth_;
  std::vector<double> u_, v_;
  std::vector<double> costs_;                                       // row-major C, when it fits
  std::vector<uint32_t> mark_ = std::vector<uint32_t>(n_ + m_, 0);  // visit stamps, never cleared
  uint32_t stamp_ = 0;
  std::vector<size_t> queue_;
  double scale_ = 0.0;
};

}  // namespace

ExactResult exactTransport(const Measure& a, const Measure& b, CostKind cost, long maxPivots) {
  return TransportSimplex(a, b, cost).solve(maxPivots);
}

}  // namespace flowscope
