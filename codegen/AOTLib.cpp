//===- AOTLib.cpp - Static and shared libraries of deepc compile --lib ----===//
//
// `--lib static` puts the object in an archive (LLVM's archive writer, GNU
// format with a symbol table); `--lib shared` links it with the system C
// compiler driver (`$CC`, else `cc`), exporting the C ABI's functions only
// (a version script makes everything else local). Without start files: the
// library has no constructors, and then it references nothing from crt*.o.
//
//===----------------------------------------------------------------------===//
#include "codegen/AOT.h"

#include "llvm/Object/ArchiveWriter.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

namespace deepc {

std::vector<std::string> exportedSymbols(const llvm::Module &module) {
  std::vector<std::string> names;
  for (const llvm::GlobalValue &value : module.global_values())
    if (!value.isDeclaration() && value.hasExternalLinkage())
      names.push_back(value.getName().str());
  return names;
}

llvm::Expected<std::string> makeStaticLibrary(llvm::StringRef object,
                                              llvm::StringRef memberName) {
  llvm::NewArchiveMember member;
  member.Buf =
      llvm::MemoryBuffer::getMemBuffer(object, memberName,
                                       /*RequiresNullTerminator=*/false);
  member.MemberName = memberName;
  std::vector<llvm::NewArchiveMember> members;
  members.push_back(std::move(member));
  std::string warnings;
  auto archive = llvm::writeArchiveToBuffer(
      members, llvm::SymtabWritingMode::NormalSymtab,
      llvm::object::Archive::K_GNU, /*Deterministic=*/true, /*Thin=*/false,
      [&](llvm::Error err) { warnings += llvm::toString(std::move(err)); });
  if (!archive)
    return archive.takeError();
  if (!warnings.empty())
    return llvm::createStringError("cannot write the archive: " + warnings);
  return (*archive)->getBuffer().str();
}

namespace {
/// Temporary files removed when this goes out of scope.
struct TempFiles {
  std::vector<std::string> paths;
  ~TempFiles() {
    for (const std::string &p : paths)
      llvm::sys::fs::remove(p);
  }
  llvm::Expected<std::string> make(llvm::StringRef suffix) {
    llvm::SmallString<128> path;
    if (std::error_code ec =
            llvm::sys::fs::createTemporaryFile("deepc-lib", suffix, path))
      return llvm::createStringError("cannot create a temporary file: " +
                                     ec.message());
    paths.push_back(path.str().str());
    return paths.back();
  }
};

llvm::Error writeFile(llvm::StringRef path, llvm::StringRef bytes) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (!ec) {
    os << bytes;
    os.close();
    if (os.has_error())
      ec = os.error();
  }
  if (ec)
    return llvm::createStringError(path + ": " + ec.message());
  return llvm::Error::success();
}
} // namespace

llvm::Expected<std::string>
makeSharedLibrary(llvm::StringRef object, llvm::ArrayRef<std::string> exports,
                  llvm::StringRef defaultCC) {
  std::string ccName = defaultCC.str();
  if (std::optional<std::string> cc = llvm::sys::Process::GetEnv("CC"))
    if (!cc->empty())
      ccName = *cc;
  auto cc = llvm::sys::findProgramByName(ccName);
  if (!cc)
    return llvm::createStringError(
        "--lib shared links with the C compiler, and '" + ccName +
        "' was not found (set CC to one)");

  TempFiles temps;
  auto objPath = temps.make("o");
  auto mapPath = temps.make("map");
  auto soPath = temps.make("so");
  auto logPath = temps.make("log");
  for (auto *p : {&objPath, &mapPath, &soPath, &logPath})
    if (!*p)
      return p->takeError();
  std::string script = "{\n  global:\n";
  for (const std::string &name : exports)
    script += "    " + name + ";\n";
  script += "  local: *;\n};\n";
  if (llvm::Error err = writeFile(*objPath, object))
    return std::move(err);
  if (llvm::Error err = writeFile(*mapPath, script))
    return std::move(err);

  std::string versionScript = "-Wl,--version-script=" + *mapPath;
  llvm::SmallVector<llvm::StringRef> args = {
      *cc,     "-shared", "-nostartfiles", "-o",
      *soPath, *objPath,  versionScript,   "-lm"};
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, *logPath,
                                                *logPath};
  std::string error;
  int status = llvm::sys::ExecuteAndWait(*cc, args, std::nullopt, redirects,
                                         /*SecondsToWait=*/0,
                                         /*MemoryLimit=*/0, &error);
  if (status != 0) {
    std::string log;
    if (auto buffer = llvm::MemoryBuffer::getFile(*logPath))
      log = (*buffer)->getBuffer().str();
    return llvm::createStringError(
        llvm::formatv("linking the shared library with {0} failed{1}{2}{3}",
                      *cc, error.empty() ? "" : ": ", error,
                      log.empty() ? "" : ":\n" + log)
            .str());
  }
  auto so = llvm::MemoryBuffer::getFile(*soPath, /*IsText=*/false,
                                        /*RequiresNullTerminator=*/false);
  if (!so)
    return llvm::createStringError(*soPath + ": " + so.getError().message());
  return (*so)->getBuffer().str();
}

} // namespace deepc
