#include "ExactTransport.h"

#include <algorithm>
#include <cmath>

namespace flowscope {
namespace {

struct Cell {
  size_t i, j;
  double flow;
};

class TransportSimplex {
 public:
  TransportSimplex(const Measure& a, const Measure& b, CostKind cost)
      : a_(a), b_(b), cost_(cost), n_(a.points.size()), m_(b.points.size()), adjacency_(n_ + m_) {
    northWestCorner();
  }

  ExactResult solve(long maxPivots) {
    ExactResult r;
    const size_t total = n_ * m_;
    const size_t block = std::max<size_t>(64, size_t(std::sqrt(double(total))));
    size_t cursor = 0;
    for (;;) {
      computePotentials();
      // Block pricing: the most negative reduced cost in the first block that has one.
      size_t best = total;
      double bestReduced = -kTolerance * scale_;
      size_t scanned = 0;
      while (scanned < total) {
        const size_t end = std::min(scanned + block, total);
        for (; scanned < end; ++scanned) {
          const size_t k = (cursor + scanned) % total;
          const size_t i = k / m_, j = k % m_;
          const double reduced = c(i, j) - u_[i] - v_[j];
          if (reduced < bestReduced) bestReduced = reduced, best = k;
        }
        if (best != total) break;
      }
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

  double c(size_t i, size_t j) const { return costOf(cost_, a_.points[i], b_.points[j]); }

  void addCell(size_t i, size_t j, double flow) {
    cells_.push_back({i, j, flow});
    adjacency_[i].push_back(cells_.size() - 1);
    adjacency_[n_ + j].push_back(cells_.size() - 1);
  }

  // A spanning tree of n + m - 1 cells (degenerate zero cells where supply and demand run out
  // together), feasible by construction.
  void northWestCorner() {
    std::vector<double> supply = a_.weights, demand = b_.weights;
    size_t i = 0, j = 0;
    while (i < n_ && j < m_) {
      const double x = std::min(supply[i], demand[j]);
      addCell(i, j, x);
      supply[i] -= x;
      demand[j] -= x;
      if (i + 1 < n_ && (supply[i] <= demand[j] || j + 1 == m_))
        ++i;
      else
        ++j;
    }
    for (size_t k = 0; k < cells_.size(); ++k) scale_ = std::max(scale_, c(cells_[k].i, cells_[k].j));
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
    // The entering cell takes the leaving cell's slot.
    auto detach = [&](size_t node, size_t cellIndex) {
      auto& list = adjacency_[node];
      list.erase(std::find(list.begin(), list.end(), cellIndex));
    };
    detach(cells_[leaving].i, leaving);
    detach(n_ + cells_[leaving].j, leaving);
    cells_[leaving] = {i, j, theta};
    adjacency_[i].push_back(leaving);
    adjacency_[n_ + j].push_back(leaving);
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
  double scale_ = 0.0;
};

}  // namespace

ExactResult exactTransport(const Measure& a, const Measure& b, CostKind cost, long maxPivots) {
  return TransportSimplex(a, b, cost).solve(maxPivots);
}

}  // namespace flowscope
