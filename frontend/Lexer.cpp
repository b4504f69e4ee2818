//===- Lexer.cpp - Tokens of .nn files ------------------------------------===//

#include "frontend/Lexer.h"

#include "llvm/ADT/StringSwitch.h"

using namespace deepc;

llvm::StringRef deepc::tokenKindName(Token::Kind kind) {
  switch (kind) {
  case Token::Eof:
    return "end of file";
  case Token::Error:
    return "invalid character";
  case Token::Identifier:
    return "identifier";
  case Token::Integer:
    return "integer";
  case Token::Float:
    return "number";
  case Token::KwModel:
    return "'model'";
  case Token::KwTrain:
    return "'train'";
  case Token::KwParam:
    return "'param'";
  case Token::KwReturn:
    return "'return'";
  case Token::KwTrue:
    return "'true'";
  case Token::KwFalse:
    return "'false'";
  case Token::LParen:
    return "'('";
  case Token::RParen:
    return "')'";
  case Token::LBracket:
    return "'['";
  case Token::RBracket:
    return "']'";
  case Token::LBrace:
    return "'{'";
  case Token::RBrace:
    return "'}'";
  case Token::Comma:
    return "','";
  case Token::Colon:
    return "':'";
  case Token::Equal:
    return "'='";
  case Token::Plus:
    return "'+'";
  case Token::Minus:
    return "'-'";
  case Token::Star:
    return "'*'";
  case Token::Slash:
    return "'/'";
  case Token::At:
    return "'@'";
  case Token::Arrow:
    return "'->'";
  case Token::Less:
    return "'<'";
  case Token::LessEqual:
    return "'<='";
  case Token::Greater:
    return "'>'";
  case Token::GreaterEqual:
    return "'>='";
  case Token::EqualEqual:
    return "'=='";
  case Token::NotEqual:
    return "'!='";
  }
  return "token";
}

static bool isIdentStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
static bool isDigit(char c) { return c >= '0' && c <= '9'; }
static bool isIdentChar(char c) { return isIdentStart(c) || isDigit(c); }

/// Characters that can start a token or are skipped between tokens.
static bool isKnownChar(char c) {
  return isIdentChar(c) ||
         llvm::StringRef(" \t\r\n\f\v#()[]{},:=+-*/@<>!.").contains(c);
}

Token Lexer::make(Token::Kind kind, const char *start, bool startsLine) {
  Token t;
  t.kind = kind;
  t.spelling = llvm::StringRef(start, cur - start);
  t.startsLine = startsLine;
  return t;
}

Token Lexer::next() {
  bool startsLine = false;
  // Skip white space and comments, noting line breaks.
  while (cur != end) {
    char c = *cur;
    if (c == '\n') {
      startsLine = true;
      ++cur;
    } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
      ++cur;
    } else if (c == '#') {
      while (cur != end && *cur != '\n')
        ++cur;
    } else {
      break;
    }
  }
  const char *start = cur;
  if (cur == end)
    return make(Token::Eof, start, true);

  char c = *cur++;
  if (isIdentStart(c)) {
    while (cur != end && isIdentChar(*cur))
      ++cur;
    llvm::StringRef word(start, cur - start);
    Token::Kind kind = llvm::StringSwitch<Token::Kind>(word)
                           .Case("model", Token::KwModel)
                           .Case("train", Token::KwTrain)
                           .Case("param", Token::KwParam)
                           .Case("return", Token::KwReturn)
                           .Case("true", Token::KwTrue)
                           .Case("false", Token::KwFalse)
                           .Default(Token::Identifier);
    return make(kind, start, startsLine);
  }

  if (isDigit(c) || (c == '.' && cur != end && isDigit(*cur))) {
    bool isFloat = c == '.';
    while (cur != end && isDigit(*cur))
      ++cur;
    if (!isFloat && cur != end && *cur == '.') {
      isFloat = true;
      ++cur;
      while (cur != end && isDigit(*cur))
        ++cur;
    }
    if (cur != end && (*cur == 'e' || *cur == 'E')) {
      const char *p = cur + 1;
      if (p != end && (*p == '+' || *p == '-'))
        ++p;
      if (p == end || !isDigit(*p)) {
        cur = p;
        return make(Token::Error, start, startsLine);
      }
      isFloat = true;
      cur = p;
      while (cur != end && isDigit(*cur))
        ++cur;
    }
    // `12abc` is one malformed token, not a number and a name.
    if (cur != end && (isIdentChar(*cur) || *cur == '.')) {
      while (cur != end && (isIdentChar(*cur) || *cur == '.'))
        ++cur;
      return make(Token::Error, start, startsLine);
    }
    return make(isFloat ? Token::Float : Token::Integer, start, startsLine);
  }

  auto two = [&](char second, Token::Kind yes, Token::Kind no) {
    if (cur != end && *cur == second) {
      ++cur;
      return make(yes, start, startsLine);
    }
    return make(no, start, startsLine);
  };
  switch (c) {
  case '(':
    return make(Token::LParen, start, startsLine);
  case ')':
    return make(Token::RParen, start, startsLine);
  case '[':
    return make(Token::LBracket, start, startsLine);
  case ']':
    return make(Token::RBracket, start, startsLine);
  case '{':
    return make(Token::LBrace, start, startsLine);
  case '}':
    return make(Token::RBrace, start, startsLine);
  case ',':
    return make(Token::Comma, start, startsLine);
  case ':':
    return make(Token::Colon, start, startsLine);
  case '+':
    return make(Token::Plus, start, startsLine);
  case '*':
    return make(Token::Star, start, startsLine);
  case '/':
    return make(Token::Slash, start, startsLine);
  case '@':
    return make(Token::At, start, startsLine);
  case '-':
    return two('>', Token::Arrow, Token::Minus);
  case '=':
    return two('=', Token::EqualEqual, Token::Equal);
  case '<':
    return two('=', Token::LessEqual, Token::Less);
  case '>':
    return two('=', Token::GreaterEqual, Token::Greater);
  case '!':
    return two('=', Token::NotEqual, Token::Error);
  default:
    break;
  }
  // A run of characters that start no token is one error, so binary garbage
  // does not give one message per byte.
  while (cur != end && !isKnownChar(*cur))
    ++cur;
  return make(Token::Error, start, startsLine);
}
