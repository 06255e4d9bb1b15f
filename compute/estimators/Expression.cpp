#include "Expression.h"

#include <cctype>
#include <cmath>
#include <vector>

#include "InputError.h"

namespace flowscope {

struct Expression::Node {
  enum Kind { Number, Variable, Add, Sub, Mul, Div, Pow, Neg, Call } kind;
  double number = 0.0;
  std::string function;
  std::vector<std::shared_ptr<const Node>> args;
};

namespace {

using NodePtr = std::shared_ptr<const Expression::Node>;
using Node = Expression::Node;

const char* const kFunctions[] = {"sin",  "cos", "tan",  "exp",  "log",
                                  "sqrt", "abs", "tanh", "step", "sigmoid"};

NodePtr make(Node::Kind k, std::vector<NodePtr> args = {}, double number = 0.0,
             std::string function = "") {
  auto n = std::make_shared<Node>();
  n->kind = k;
  n->args = std::move(args);
  n->number = number;
  n->function = std::move(function);
  return n;
}

// Recursive descent: sum := product (('+'|'-') product)*; product := unary (('*'|'/') unary)*;
// unary := '-' unary | power; power := atom ('^' unary)?; atom := number | x | f '(' sum ')' |
// '(' sum ')'.
class Parser {
 public:
  explicit Parser(const std::string& t) : t_(t) {}
  NodePtr all() {
    NodePtr n = sum();
    skip();
    if (i_ < t_.size()) fail("unexpected '" + std::string(1, t_[i_]) + "'");
    return n;
  }

 private:
  [[noreturn]] void fail(const std::string& why) const {
    throw InputError("f: " + why + " at column " + std::to_string(i_ + 1) + " of '" + t_ + "'");
  }
  void skip() {
    while (i_ < t_.size() && std::isspace(static_cast<unsigned char>(t_[i_]))) ++i_;
  }
  bool take(char c) {
    skip();
    if (i_ < t_.size() && t_[i_] == c) return ++i_, true;
    return false;
  }
  NodePtr sum() {
    NodePtr n = product();
    for (;;) {
      if (take('+'))
        n = make(Node::Add, {n, product()});
      else if (take('-'))
        n = make(Node::Sub, {n, product()});
      else
        return n;
    }
  }
  NodePtr product() {
    NodePtr n = unary();
    for (;;) {
      if (take('*'))
        n = make(Node::Mul, {n, unary()});
      else if (take('/'))
        n = make(Node::Div, {n, unary()});
      else
        return n;
    }
  }
  NodePtr unary() {
    if (take('-')) return make(Node::Neg, {unary()});
    if (take('+')) return unary();
    return power();
  }
  NodePtr power() {
    NodePtr base = atom();
    if (take('^')) return make(Node::Pow, {base, unary()});
    return base;
  }
  NodePtr atom() {
    skip();
    if (i_ >= t_.size()) fail("an operand is missing");
    if (take('(')) {
      NodePtr n = sum();
      if (!take(')')) fail("')' expected");
      return n;
    }
    const char c = t_[i_];
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
      size_t used = 0;
      double v = 0.0;
      try {
        v = std::stod(t_.substr(i_), &used);
      } catch (const std::exception&) {
        fail("a malformed number");
      }
      i_ += used;
      return make(Node::Number, {}, v);
    }
    if (!std::isalpha(static_cast<unsigned char>(c)))
      fail("unexpected '" + std::string(1, c) + "'");
    size_t end = i_;
    while (end < t_.size() && std::isalnum(static_cast<unsigned char>(t_[end]))) ++end;
    const std::string name = t_.substr(i_, end - i_);
    if (name == "x" || name == "z") return i_ = end, make(Node::Variable, {}, 0.0);
    if (name == "y") return i_ = end, usesY_ = true, make(Node::Variable, {}, 1.0);
    if (name == "pi") return i_ = end, make(Node::Number, {}, M_PI);
    for (const char* f : kFunctions)
      if (name == f) {
        i_ = end;
        if (!take('(')) fail("'(' expected after " + name);
        NodePtr arg = sum();
        if (!take(')')) fail("')' expected");
        return make(Node::Call, {arg}, 0.0, name);
      }
    fail("unknown name '" + name +
         "' (the variables are x and, in 2-D, y; functions: sin cos tan exp log sqrt "
         "abs tanh step sigmoid)");
  }
  const std::string& t_;
  size_t i_ = 0;

 public:
  bool usesY_ = false;
};

// The value and the derivative along `dir` at the point `at` (x, y).
Expression::Value eval(const Node& n, const double* at, const double* dir) {
  using V = Expression::Value;
  switch (n.kind) {
    case Node::Number:
      return {n.number, 0.0};
    case Node::Variable:
      return {at[int(n.number)], dir[int(n.number)]};
    case Node::Neg: {
      const V a = eval(*n.args[0], at, dir);
      return {-a.f, -a.slope};
    }
    case Node::Call: {
      const V a = eval(*n.args[0], at, dir);
      const std::string& f = n.function;
      if (f == "sin") return {std::sin(a.f), std::cos(a.f) * a.slope};
      if (f == "cos") return {std::cos(a.f), -std::sin(a.f) * a.slope};
      if (f == "tan") return {std::tan(a.f), a.slope / std::pow(std::cos(a.f), 2)};
      if (f == "exp") return {std::exp(a.f), std::exp(a.f) * a.slope};
      if (f == "log") return {std::log(a.f), a.slope / a.f};
      if (f == "sqrt") return {std::sqrt(a.f), 0.5 * a.slope / std::sqrt(a.f)};
      if (f == "abs") return {std::abs(a.f), (a.f > 0 ? 1.0 : a.f < 0 ? -1.0 : 0.0) * a.slope};
      if (f == "tanh") return {std::tanh(a.f), (1.0 - std::pow(std::tanh(a.f), 2)) * a.slope};
      if (f == "step") return {a.f > 0.0 ? 1.0 : 0.0, 0.0};
      const double s = 1.0 / (1.0 + std::exp(-a.f));  // sigmoid
      return {s, s * (1.0 - s) * a.slope};
    }
    default:
      break;
  }
  const V a = eval(*n.args[0], at, dir), b = eval(*n.args[1], at, dir);
  switch (n.kind) {
    case Node::Add:
      return {a.f + b.f, a.slope + b.slope};
    case Node::Sub:
      return {a.f - b.f, a.slope - b.slope};
    case Node::Mul:
      return {a.f * b.f, a.slope * b.f + a.f * b.slope};
    case Node::Div:
      return {a.f / b.f, (a.slope * b.f - a.f * b.slope) / (b.f * b.f)};
    default: {  // a^b: b' log(a) a^b + b a^(b-1) a' (the log term only where b varies)
      const double v = std::pow(a.f, b.f);
      const double fromBase = b.f * std::pow(a.f, b.f - 1.0) * a.slope;
      return {v, fromBase + (b.slope != 0.0 ? b.slope * std::log(a.f) * v : 0.0)};
    }
  }
}

}  // namespace

Expression Expression::parse(const std::string& text) {
  if (text.size() > 1000) throw InputError("f: longer than 1000 characters");
  Expression e;
  e.text_ = text;
  Parser parser(e.text_);
  e.root_ = parser.all();
  e.usesY_ = parser.usesY_;
  return e;
}

Expression::Value Expression::evaluate(double x) const {
  const double at[2] = {x, 0.0}, dir[2] = {1.0, 0.0};
  return eval(*root_, at, dir);
}

Expression::Value2 Expression::evaluate(double x, double y) const {
  const double at[2] = {x, y}, dx[2] = {1.0, 0.0}, dy[2] = {0.0, 1.0};
  const Value a = eval(*root_, at, dx), b = eval(*root_, at, dy);
  return {a.f, a.slope, b.slope};
}

}  // namespace flowscope
