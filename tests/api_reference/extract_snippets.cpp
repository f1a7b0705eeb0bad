// Keeps docs/API_REFERENCE.md honest.
//
//   extract_snippets extract snippets.cpp API_REFERENCE.md [OTHER.md...]
//     Writes every ```cpp block of the documents into one C++ file: each block becomes the body
//     of a function (with #line directives pointing back into the document, so a compile error
//     names the document's line), #include lines are hoisted to the top, a block whose first
//     line is "// file scope" stays at namespace scope, and main() runs every block in a fresh
//     temporary HOME (a block whose first line is "// compile only" is compiled, not run).
//
//   extract_snippets check-names API_REFERENCE.md INCLUDE_DIR
//     Lists every public name declared at namespace scope in namespace bioxen in the headers
//     under INCLUDE_DIR (types, aliases, free functions, constants; not detail::, not the ADL
//     adapters) and fails naming those the document never mentions.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

struct Block {
  std::size_t first_line = 0;  // 1-based line of the first code line in the document
  std::vector<std::string> lines;
  bool file_scope = false;
  bool compile_only = false;
};

std::vector<std::string> read_lines(const fs::path& p) {
  std::ifstream in(p);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<Block> blocks_of(const std::vector<std::string>& lines) {
  std::vector<Block> blocks;
  bool in_block = false;
  Block current;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (!in_block) {
      if (line.rfind("```cpp", 0) == 0 || line.rfind("```c++", 0) == 0) {
        in_block = true;
        current = Block{};
        current.first_line = i + 2;
      }
      continue;
    }
    if (line.rfind("```", 0) == 0) {
      in_block = false;
      if (!current.lines.empty()) {
        current.file_scope = current.lines.front().rfind("// file scope", 0) == 0;
        current.compile_only = current.lines.front().rfind("// compile only", 0) == 0;
      }
      blocks.push_back(std::move(current));
      continue;
    }
    current.lines.push_back(line);
  }
  if (in_block) throw std::runtime_error("unterminated ```cpp block");
  return blocks;
}

struct Runnable {
  std::size_t index;
  std::string doc;
  std::size_t line;
};

int extract(const std::vector<fs::path>& docs, const fs::path& out_path) {
  std::set<std::string> includes = {"#include <bioxen/bioxen.hpp>"};
  std::ostringstream body;
  std::vector<Runnable> runnable;
  std::size_t b = 0;
  for (const auto& md : docs) {
    const auto blocks = blocks_of(read_lines(md));
    const std::string doc = fs::absolute(md).generic_string();
    for (const Block& block : blocks) {
      ++b;
      if (!block.file_scope) body << "void snippet_" << b << "() {\n";
      for (std::size_t i = 0; i < block.lines.size(); ++i) {
        const std::string& line = block.lines[i];
        if (line.rfind("#include", 0) == 0) {
          includes.insert(line);
          continue;
        }
        body << "#line " << block.first_line + i << " \"" << doc << "\"\n" << line << "\n";
      }
      if (!block.file_scope) {
        body << "}\n";
        if (!block.compile_only) runnable.push_back({b, doc, block.first_line});
      }
    }
  }
  std::ostringstream out;
  out << "// Generated from the documentation by extract_snippets: do not edit, edit the "
         "documents.\n";
  for (const auto& inc : includes) out << inc << "\n";
  out << R"(#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

extern char** environ;

namespace snippets {
)" << body.str()
      << R"(}  // namespace snippets

int main() {
  // A private HOME and working directory; no BIOXEN_* variable of the caller leaks in.
  std::string home = (std::filesystem::temp_directory_path() / "bioxen-doc-XXXXXX").string();
  if (::mkdtemp(home.data()) == nullptr) return 2;
  std::vector<std::string> vars;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::strncmp(*e, "BIOXEN_", 7) == 0) vars.emplace_back(*e, std::strchr(*e, '=') - *e);
  }
  for (const auto& v : vars) ::unsetenv(v.c_str());
  ::setenv("HOME", home.c_str(), 1);
  if (::chdir(home.c_str()) != 0) return 2;
  struct Snippet { void (*fn)(); const char* doc; int line; };
  const Snippet all[] = {
)";
  for (const auto& r : runnable) {
    out << "      {&snippets::snippet_" << r.index << ", \"" << r.doc << "\", " << r.line << "},\n";
  }
  out << R"(  };
  int failures = 0;
  for (const auto& s : all) {
    try {
      s.fn();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "%s:%d: the snippet threw: %s\n", s.doc, s.line, e.what());
      ++failures;
    }
    bioxen::set_default_hypervisor(nullptr);
  }
  std::error_code ec;
  std::filesystem::remove_all(home, ec);
  std::printf("%zu snippets run, %d failed\n", std::size(all), failures);
  return failures == 0 ? 0 : 1;
}
)";
  const std::string text = out.str();
  // Rewrite only on change, so an unchanged document does not rebuild the test.
  std::ifstream old(out_path);
  const std::string previous((std::istreambuf_iterator<char>(old)),
                             std::istreambuf_iterator<char>());
  if (previous != text) std::ofstream(out_path) << text;
  return 0;
}

// Public names of the headers: declarations at column 0 directly in namespace bioxen.
std::set<std::string> public_names(const fs::path& include_dir) {
  static const std::regex ns_open(R"(^namespace ([\w:]+) \{)");
  static const std::regex ns_close(R"(^\}\s*// namespace)");
  static const std::regex type(R"(^(?:class|struct|enum class|enum)\s+(\w+))");
  static const std::regex alias(R"(^using (\w+) =)");
  static const std::regex constant(R"(^inline constexpr [^=(]*?(\w+)(?:\[\])? =)");
  static const std::regex function(R"(^(?:inline |constexpr |static )*[\w:<>,*& ]+?[\s*&](\w+)\()");
  static const std::set<std::string> adapters = {"to_json", "from_json", "to_string",
                                                 "make_error_code", "operator"};
  std::set<std::string> names;
  for (const auto& entry : fs::recursive_directory_iterator(include_dir)) {
    if (entry.path().extension() != ".hpp") continue;
    if (entry.path().generic_string().find("/detail/") != std::string::npos) continue;
    std::vector<std::string> stack;
    for (const auto& line : read_lines(entry.path())) {
      std::smatch m;
      if (std::regex_search(line, m, ns_open)) {
        stack.push_back(m[1]);
        continue;
      }
      if (std::regex_search(line, ns_close)) {
        if (!stack.empty()) stack.pop_back();
        continue;
      }
      if (stack.size() != 1 || stack.back() != "bioxen") continue;
      if (line.empty() || line[0] == ' ' || line[0] == '/' || line[0] == '#' || line[0] == '}' ||
          line.rfind("template", 0) == 0 || line.rfind("return", 0) == 0) {
        continue;
      }
      for (const auto* re : {&type, &alias, &constant, &function}) {
        if (std::regex_search(line, m, *re) && !adapters.count(m[1])) {
          names.insert(m[1]);
          break;
        }
      }
    }
  }
  return names;
}

int check_names(const fs::path& md, const fs::path& include_dir) {
  std::string doc;
  for (const auto& line : read_lines(md)) doc += line + "\n";
  std::vector<std::string> missing;
  const auto names = public_names(include_dir);
  for (const auto& name : names) {
    // A whole-word occurrence.
    bool found = false;
    for (std::size_t pos = doc.find(name); pos != std::string::npos;
         pos = doc.find(name, pos + 1)) {
      const bool left = pos == 0 || !(std::isalnum(static_cast<unsigned char>(doc[pos - 1])) ||
                                      doc[pos - 1] == '_');
      const std::size_t end = pos + name.size();
      const bool right = end >= doc.size() ||
                         !(std::isalnum(static_cast<unsigned char>(doc[end])) || doc[end] == '_');
      if (left && right) {
        found = true;
        break;
      }
    }
    if (!found) missing.push_back(name);
  }
  std::cout << names.size() << " public names, " << missing.size() << " not documented\n";
  for (const auto& n : missing)
    std::cout << "  not in " << md.filename().string() << ": " << n << "\n";
  return missing.empty() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (args.size() >= 3 && args[0] == "extract") {
      return extract(std::vector<fs::path>(args.begin() + 2, args.end()), args[1]);
    }
    if (args.size() == 3 && args[0] == "check-names") return check_names(args[1], args[2]);
    std::cerr << "usage: extract_snippets extract OUT.cpp DOC.md...\n"
                 "       extract_snippets check-names DOC.md INCLUDE_DIR\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "extract_snippets: " << e.what() << "\n";
    return 2;
  }
}
