// Go's comparison builtins eq, ne, lt, le, gt and ge, as in Go 1.19: basic kinds only, any
// integer with any integer, nil with anything, and Go's errors otherwise.
#include "alerts/template/functions.h"
#include "alerts/template/go_format.h"

namespace vitals::alert_template::detail {

namespace {

using P = ParamType;

Result<Value> fail(std::string message) {
  return make_error(ErrorCode::InvalidArgument, std::move(message));
}

// reflect's Kind for the values comparisons treat as composite.
enum class RefKind { Invalid, Map, Struct, Pointer, Basic };

RefKind ref_kind(const Value& v) {
  switch (v.type) {
    case GoType::Nil:
      return RefKind::Invalid;
    case GoType::StringMap:
    case GoType::AnyMap:
      return RefKind::Map;
    case GoType::AlertData:
    case GoType::Time:
      return RefKind::Struct;
    case GoType::TimePtr:
      return RefKind::Pointer;
    default:
      return RefKind::Basic;
  }
}

Error comparison_error(std::string message) {
  return Error{ErrorCode::InvalidArgument, std::move(message), {}};
}

std::string as_s(const Value& v) {
  return sprintf("%s", {v});
}

// Go 1.19's eq for one pair.
Result<bool> equal(const Value& a, const Value& b) {
  BasicKind k1 = basic_kind(a);
  BasicKind k2 = basic_kind(b);
  if (k1 != k2) {
    if (k1 == BasicKind::Int && k2 == BasicKind::Uint) {
      return a.i >= 0 && static_cast<std::uint64_t>(a.i) == b.u;
    }
    if (k1 == BasicKind::Uint && k2 == BasicKind::Int) {
      return b.i >= 0 && a.u == static_cast<std::uint64_t>(b.i);
    }
    if (!a.is_nil() && !b.is_nil()) {
      return tl::unexpected(comparison_error("incompatible types for comparison"));
    }
    return false;
  }
  switch (k1) {
    case BasicKind::Bool:
      return a.b == b.b;
    case BasicKind::Complex:
      return a.f == b.f && a.imag == b.imag;
    case BasicKind::Float:
      return a.f == b.f;
    case BasicKind::Int:
      return a.i == b.i;
    case BasicKind::String:
      return a.s == b.s;
    case BasicKind::Uint:
      return a.u == b.u;
    case BasicKind::Invalid:
      break;
  }
  RefKind r1 = ref_kind(a);
  RefKind r2 = ref_kind(b);
  if (r1 != r2 && r1 != RefKind::Invalid && r2 != RefKind::Invalid) {
    return tl::unexpected(comparison_error("non-comparable types " + as_s(a) + ": " +
                                           type_name(a.type) + ", " + type_name(b.type) + ": " +
                                           format_value(b)));
  }
  if (a.is_nil() || b.is_nil()) return a.is_nil() == b.is_nil();
  if (r2 == RefKind::Map || b.type == GoType::AlertData) {
    return tl::unexpected(
        comparison_error("non-comparable type " + as_s(b) + ": " + type_name(b.type)));
  }
  // A *time.Time is a fresh pointer each time; time.Time values compare by instant.
  return a.type == GoType::Time && b.type == GoType::Time && a.time.seconds == b.time.seconds &&
         a.time.nanos == b.time.nanos;
}

Result<bool> less(const Value& a, const Value& b) {
  BasicKind k1 = basic_kind(a);
  BasicKind k2 = basic_kind(b);
  auto error = [](const char* text) {
    return tl::unexpected(Error{ErrorCode::InvalidArgument, text, {}});
  };
  if (k1 == BasicKind::Invalid || k2 == BasicKind::Invalid)
    return error("invalid type for comparison");
  if (k1 != k2) {
    if (k1 == BasicKind::Int && k2 == BasicKind::Uint)
      return a.i < 0 || static_cast<std::uint64_t>(a.i) < b.u;
    if (k1 == BasicKind::Uint && k2 == BasicKind::Int)
      return b.i >= 0 && a.u < static_cast<std::uint64_t>(b.i);
    return error("incompatible types for comparison");
  }
  switch (k1) {
    case BasicKind::Float:
      return a.f < b.f;
    case BasicKind::Int:
      return a.i < b.i;
    case BasicKind::String:
      return a.s < b.s;
    case BasicKind::Uint:
      return a.u < b.u;
    default:
      return error("invalid type for comparison");
  }
}

Result<Value> boolean(const Result<bool>& r) {
  if (!r) return tl::unexpected(r.error());
  return Value::boolean(*r);
}

Result<Value> eq(std::vector<Value>& args, const CallContext&) {
  if (args.size() < 2) return fail("missing argument for comparison");
  Value a = args[0].unboxed();
  for (std::size_t i = 1; i < args.size(); ++i) {
    auto r = equal(a, args[i].unboxed());
    if (!r) return tl::unexpected(r.error());
    if (*r) return Value::boolean(true);
  }
  return Value::boolean(false);
}

Result<Value> ne(std::vector<Value>& args, const CallContext& ctx) {
  auto r = eq(args, ctx);
  if (!r) return r;
  return Value::boolean(!r->b);
}

Result<Value> lt(std::vector<Value>& args, const CallContext&) {
  return boolean(less(args[0].unboxed(), args[1].unboxed()));
}

Result<Value> le(std::vector<Value>& args, const CallContext&) {
  Value a = args[0].unboxed();
  Value b = args[1].unboxed();
  auto r = less(a, b);
  if (!r || *r) return boolean(r);
  return boolean(equal(a, b));
}

Result<Value> gt(std::vector<Value>& args, const CallContext& ctx) {
  auto r = le(args, ctx);
  if (!r) return r;
  return Value::boolean(!r->b);
}

Result<Value> ge(std::vector<Value>& args, const CallContext& ctx) {
  auto r = lt(args, ctx);
  if (!r) return r;
  return Value::boolean(!r->b);
}

}  // namespace

void add_comparisons(std::vector<std::pair<std::string_view, Function>>& out) {
  auto add = [&out](std::string_view name, bool variadic, Callable::Fn fn) {
    out.push_back(
        {name,
         Function{Callable{{P::ReflectValue, P::ReflectValue}, variadic, std::move(fn)}, true}});
  };
  add("eq", true, eq);
  add("ne", false, ne);
  add("lt", false, lt);
  add("le", false, le);
  add("gt", false, gt);
  add("ge", false, ge);
}

}  // namespace vitals::alert_template::detail
