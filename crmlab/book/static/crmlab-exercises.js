/* Exercises that check themselves in the published workbook, without a kernel.
 *
 * Each exercise form in a page carries its data (written by crmlab.book._quiz.export) in a
 * <script type="application/json" class="crmlab-exercise-data">. check(data, answer) gives the
 * same verdict, message and hint as crmlab.exercises.check in Python: tests/test_book.py runs
 * both on a table of answers per exercise. Nothing here evaluates what the reader types.
 *
 * The exercise's own texts come translated in its data; the checker's messages are templates,
 * T(msgid, {name: value}), with the msgids and placeholders of the Python messages. A page in
 * another language than English holds one <script type="application/json" class="crmlab-messages">
 * with their translations ({msgid: text}); without one, the msgid (English) is the text.
 */
(function (root) {
  "use strict";

  var RIGHT = "\u2714", WRONG = "\u2718";

  function AnswerError(message) { this.message = message; }

  function has(object, key) { return Object.prototype.hasOwnProperty.call(object, key); }

  // ------------------------------------------------------------------ messages in the page's language

  // msgid -> its translation, from the page's <script type="application/json" class="crmlab-messages">
  // (crmlab.book._quiz.Exporter writes it for a page in another language than English; none for English).
  var MESSAGES = {};

  /** Merge a message table ({msgid: translation}) into the one in use; setMessages(null) empties it. */
  function setMessages(table) {
    if (!table) { MESSAGES = {}; return; }
    Object.keys(table).forEach(function (k) { if (typeof table[k] === "string" && table[k]) MESSAGES[k] = table[k]; });
  }

  /** The message msgid in the page's language, with its {name} placeholders filled from params, as
   * gettext(msgid).format(**params) in Python. Every msgid is one of crmlab's Python messages
   * (crmlab.book._quiz.JS_MESSAGES; tests/test_book.py checks both). */
  function T(msgid, params) {
    var text = has(MESSAGES, msgid) ? MESSAGES[msgid] : msgid;
    if (!params) return text;
    return text.replace(/\{\{|\}\}|\{(\w+)\}/g, function (whole, name) {
      if (whole === "{{") return "{";
      if (whole === "}}") return "}";
      return has(params, name) ? String(params[name]) : whole;
    });
  }

  // A message kept untranslated until shown (Python's N_): T(it) translates it.
  function N_(msgid) { return msgid; }

  // ------------------------------------------------------------------ Python's formatting

  // repr() of a str, as Python writes it in messages: 'abc', or "it's".
  function pyRepr(s) {
    var quote = (s.indexOf("'") >= 0 && s.indexOf('"') < 0) ? '"' : "'";
    var out = "";
    for (var i = 0; i < s.length; i++) {
      var c = s[i];
      if (c === "\\") out += "\\\\";
      else if (c === quote) out += "\\" + c;
      else if (c === "\n") out += "\\n";
      else if (c === "\r") out += "\\r";
      else if (c === "\t") out += "\\t";
      else out += c;
    }
    return quote + out + quote;
  }

  function stripZeros(text) {
    return text.indexOf(".") >= 0 ? text.replace(/0+$/, "").replace(/\.$/, "") : text;
  }

  // format(x, ".Ng"), default N = 6
  function g6(x, precision) {
    var p = precision || 6;
    if (x === 0) return (1 / x < 0) ? "-0" : "0";
    if (!isFinite(x)) return isNaN(x) ? "nan" : (x > 0 ? "inf" : "-inf");
    var parts = x.toExponential(p - 1).split("e"), exp = Number(parts[1]);
    if (exp < -4 || exp >= p)
      return stripZeros(parts[0]) + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
    return stripZeros(x.toFixed(Math.max(0, p - 1 - exp)));
  }

  function grouped(x, decimals) {  // format(x, ",.Nf"); ties go to the even digit, as Python's do
    var scale = Math.pow(10, decimals), scaled = Math.abs(x) * scale, text;
    if (scaled - Math.floor(scaled) === 0.5 && Math.floor(scaled) % 2 === 0) text = (Math.floor(scaled) / scale).toFixed(decimals);
    else text = Math.abs(x).toFixed(decimals);
    var whole = text.split(".")[0], frac = text.split(".")[1];
    whole = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return (x < 0 ? "-" : "") + whole + (frac ? "." + frac : "");
  }

  // crmlab.exercises._fmt
  function fmt(x) {
    if (x !== 0 && Math.abs(x) >= 1000) return Number.isInteger(x) ? grouped(x, 0) : grouped(x, 2);
    return g6(x);
  }

  // ------------------------------------------------------------------ reading answers (crmlab.exercises._parse)

  var DASHES = /[\u2212\u2013\u2014\u2012\u2010\u2011\u2015\ufe63\uff0d]/g;
  var SPACES = /[\s\u00a0\u2009\u202f\u3000]+/g;
  var CURRENCY_WORDS = "cny|rmb|usd|eur|yuan|元|人民币|[¥$€£]";
  var CURRENCY_FRONT = new RegExp("^(?:" + CURRENCY_WORDS + ")", "i");
  var CURRENCY_BACK = new RegExp("(?:" + CURRENCY_WORDS + ")$", "i");
  var MULTIPLIERS = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "mio": 1e6, "mln": 1e6, "mn": 1e6, "bn": 1e9,
    "k": 1e3, "m": 1e6, "千万": 1e7, "百万": 1e6, "千": 1e3, "万": 1e4, "亿": 1e8};
  var MULTIPLIER_BACK = new RegExp("(" + Object.keys(MULTIPLIERS).sort(function (a, b) { return b.length - a.length; })
    .map(function (k) { return k.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }).join("|") + ")$", "i");
  var NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;
  var GROUPED = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$/;
  var LARGEST = 1e300;

  function normalise(text) { return String(text).normalize("NFKC").replace(DASHES, "-").trim(); }
  function fold(text) { return text.toLowerCase(); }

  function typedDecimals(number) {
    var lower = number.toLowerCase(), at = lower.indexOf("e");
    var mantissa = at < 0 ? lower : lower.slice(0, at), exponent = at < 0 ? "" : lower.slice(at + 1);
    var places = mantissa.indexOf(".") >= 0 ? mantissa.split(".")[1].length : 0;
    return exponent ? places - parseInt(exponent, 10) : places;
  }

  function parseNumber(answer) {
    if (answer === null || answer === undefined) throw new AnswerError(T("Type an answer first."));
    var text = normalise(answer);
    if (!text) throw new AnswerError(T("Type an answer first."));
    var raw = text;
    if (text.length > 80) throw new AnswerError(T("That is too long to be one number: type just the number."));
    text = text.replace(/(?<=\d)[ \u00a0\u2009\u202f'](?=\d{3}(?!\d))/g, ",");
    if (/\d[\s\u00a0\u2009\u202f]+[\d.]/.test(text)) throw new AnswerError(T("{answer} looks like several numbers; type just one.", {answer: pyRepr(raw)}));
    text = text.replace(SPACES, "");
    var negative = false, percent = false, multiplier = 1;
    for (var round = 0; round < 8; round++) {
      var before = text;
      if (text[0] === "(" && text.slice(-1) === ")" && text.length > 2) {
        if (negative) throw new AnswerError(T("{answer} has two minus signs; type one number.", {answer: pyRepr(raw)}));
        negative = true; text = text.slice(1, -1);
      }
      if ((text[0] === "+" || text[0] === "-") && text.length > 1 && !NUMBER.test(text)) {
        if (text[0] === "-") {
          if (negative) throw new AnswerError(T("{answer} has two minus signs; type one number.", {answer: pyRepr(raw)}));
          negative = true;
        }
        text = text.slice(1);
      }
      text = text.replace(CURRENCY_FRONT, "");
      text = text.replace(CURRENCY_BACK, "");
      if (text.slice(-1) === "%" || text.toLowerCase().slice(-3) === "pct") {
        if (percent) throw new AnswerError(T("{answer} has two percent signs; type one number.", {answer: pyRepr(raw)}));
        percent = true; text = text.slice(-1) === "%" ? text.slice(0, -1) : text.slice(0, -3);
      }
      var found = MULTIPLIER_BACK.exec(text);
      if (found && text.length > found[1].length && !/[eE]$/.test(text.slice(0, found.index))) {
        if (multiplier !== 1) throw new AnswerError(T("{answer} has two multipliers; type one, e.g. 1.2m or 120万.",
          {answer: pyRepr(raw)}));
        multiplier = MULTIPLIERS[found[1].toLowerCase()]; text = text.slice(0, found.index);
      }
      if (text === before) break;
    }
    if (text.indexOf(",") >= 0) {
      if (GROUPED.test(text)) text = text.split(",").join("");
      else if (/^[+-]?\d+,\d+$/.test(text))
        throw new AnswerError(T("{answer}: use a dot for decimals (0.12), and commas only between thousands " +
          "(1,200).", {answer: pyRepr(raw)}));
      else throw new AnswerError(T("{answer} looks like several numbers; type just one.", {answer: pyRepr(raw)}));
    }
    if (!NUMBER.test(text)) {
      if (/\d/.test(text))
        throw new AnswerError(T("Could not read {answer} as a number: type digits only, e.g. 0.12, 12% or " +
          "1,200.", {answer: pyRepr(raw)}));
      throw new AnswerError(T("{answer} is not a number: type digits, e.g. 0.12, 12% or 1,200.",
        {answer: pyRepr(raw)}));
    }
    if (negative && (text[0] === "+" || text[0] === "-"))
      throw new AnswerError(T("{answer} has two signs; type one number, e.g. -1,234 or (1,234).",
        {answer: pyRepr(raw)}));
    var value = Number(text) * multiplier;
    if (!isFinite(value) || Math.abs(value) > LARGEST) throw new AnswerError(T("{answer} is too large to be a sensible answer.", {answer: pyRepr(raw)}));
    if (negative) value = -value;
    if (percent) value /= 100;
    var decimals = typedDecimals(text.replace(/^[+-]+/, ""));
    var step = Math.pow(10, -decimals) * multiplier;
    return {value: value, percent: percent, multiplier: multiplier, decimals: decimals, text: raw,
            resolution: percent ? step / 100 : step};
  }

  function splitItems(answer) {
    if (answer === null || answer === undefined) return [];
    if (Array.isArray(answer)) return answer.map(function (a) { return normalise(String(a)); }).filter(Boolean);
    var text = normalise(String(answer));
    var items = text.split(/[,;/\n、，；]+/).map(function (p) { return p.trim(); }).filter(Boolean);
    if (items.length === 1 && /^[A-Za-z](\s+[A-Za-z])+$/.test(items[0])) items = items[0].split(/\s+/);
    return items;
  }

  // ------------------------------------------------------------------ checking (crmlab.exercises._check_*)

  var SLACK = 1.02;
  var MAGNITUDES = new Map([[1, N_("plain units")], [1e3, N_("thousands")], [1e4, N_("万 (ten thousands)")],
    [1e6, N_("millions")], [1e8, N_("亿 (hundred millions)")], [1e9, N_("billions")]]);
  var UNIT_FACTORS = [1e3, 1e6, 1e9, 1e4, 1e8, 1e-3, 1e-6, 1e-9, 1e-4, 1e-8];
  var MONEY = ["cny", "yuan", "元", "usd", "eur", "rmb", "money"];

  function close(a, b, tol) { return Math.abs(a - b) <= tol + 1e-12 * Math.max(1, Math.abs(b)); }

  function right(ex, text) {
    return {correct: true, message: (RIGHT + " " + (text || T("Correct.")) + " " + (ex.explanation || "")).trim(),
            hint: "", attempt: true};
  }
  function wrong(ex, message) { return {correct: false, message: WRONG + " " + message, hint: ex.hint || "", attempt: true}; }

  function Typed(ex, answer) {
    var parsed = this.parsed = parseNumber(answer);
    this.explicit = parsed.multiplier !== 1;
    var divisor = this.explicit ? ex.scale : 1;
    this.value = parsed.value / divisor;
    this.text = parsed.text || fmt(parsed.value);
    this.resolution = parsed.resolution / divisor;
  }
  Typed.prototype.consistent = function (target, tol) {
    if (close(this.value, target, tol)) return true;
    return this.rounds(target);
  };
  // Is what was typed `target` rounded to the decimals typed, with at least one significant digit?
  Typed.prototype.rounds = function (target) {
    var res = this.resolution;
    return res <= Math.abs(target) && Math.abs(this.value - target) <= 0.5 * res * SLACK;
  };

  function unitWords(ex) {
    if (ex.percent) return T("a rate (a decimal such as 0.12, or a percentage such as 12%)");
    return ex.unit || T("the unit the prompt states");
  }

  function places(n) {
    if (n > 0) return n === 1 ? T("{n} decimal", {n: n}) : T("{n} decimals", {n: n});
    if (n === 0) return T("a whole number");
    return T("the nearest {step}", {step: grouped(Math.pow(10, -n), 0)});
  }

  function suffix(typed) {
    var names = {1e3: "k", 1e4: "万", 1e6: "m", 1e7: "千万", 1e8: "亿", 1e9: "bn"};
    var mult = typed.parsed.multiplier;
    return has(names, String(mult)) ? names[String(mult)] : "×" + g6(mult);
  }

  function precisionWords(ex, typed, tol) {
    if (ex.decimals === null || ex.decimals === undefined) {
      if (ex.percent && typed.parsed.percent) return T("within ±{tol} percentage points", {tol: g6(tol * 100, 3)});
      return T("within ±{tol}", {tol: fmt(tol)}) + (ex.unit && !ex.percent ? " " + ex.unit : "");
    }
    if (ex.percent) {
      if (typed.parsed.percent) return T("as a percent to {places}", {places: places(ex.decimals)});
      return T("{places} as a decimal (or {percent_places} as a percent)",
        {places: places(ex.decimals + 2), percent_places: places(ex.decimals)});
    }
    if (typed.explicit) {
      var shift = Math.log10(typed.parsed.multiplier / ex.scale);
      return T("{places} when you type the multiplier {suffix}",
        {places: places(ex.decimals + Math.round(shift)), suffix: suffix(typed)});
    }
    if (ex.unit) return T("{places} in {unit}", {places: places(ex.decimals), unit: ex.unit});
    return places(ex.decimals);
  }

  function unitsMessage(ex, typed, expected, tol) {
    if (ex.percent || expected === 0) return null;
    for (var i = 0; i < UNIT_FACTORS.length; i++) {
      var factor = UNIT_FACTORS[i];
      if (!typed.consistent(expected * factor, tol * factor)) continue;
      var size = factor > 1 ? T("{n} times too large", {n: grouped(factor, 0)}) :
        T("{n} times too small", {n: grouped(1 / factor, 0)});
      if (typed.explicit)
        return T("{typed} is {size} for this answer: check the multiplier you typed (k = thousand, " +
          "m = million, 万 = ten thousand, 亿 = hundred million) against the prompt's unit, " +
          "{unit}.", {typed: typed.text, size: size, unit: ex.unit || T("as stated")});
      var used = MAGNITUDES.get(ex.scale / factor);
      var asked = ex.unit ? T("the prompt asks for {unit}", {unit: ex.unit}) : T("check the unit the prompt asks for");
      var guess = used ? T(": it looks like the amount in {magnitude}", {magnitude: T(used)}) : "";
      return T("{typed} is {size}{guess}; {asked}. Convert it, or type a multiplier " +
        "(e.g. 2.5m for 2.5 million).", {typed: typed.text, size: size, guess: guess, asked: asked});
    }
    return null;
  }

  function signMessage(ex) {
    if (ex.gap_scale)
      return T("The size is right but the sign is wrong: a gap subtracts in a set order (e.g. own minus " +
        "competitor, or performance minus importance). Check which you subtracted from which.");
    var unit = fold(ex.unit || "");
    if (MONEY.some(function (w) { return unit.indexOf(w) >= 0; }))
      return T("The size is right but the sign is wrong: check whether this is a cost or a gain, an outflow or " +
        "an inflow.");
    return T("The size is right but the sign is wrong: check which quantity is subtracted from which.");
  }

  function checkNumber(ex, answer) {
    var expected = ex.answer;
    if (ex.gap_scale && typeof answer === "string" && (normalise(answer).indexOf("%") >= 0 ||
        answer.toLowerCase().indexOf("pct") >= 0))
      throw new AnswerError(T("This answer is a difference on a rating scale, in points (e.g. 0.25 points on a 1–5 " +
        "scale), not a percentage: a percent of what? Type the difference without %."));
    var typed = new Typed(ex, answer), value = typed.value, tol = ex.tolerance;
    if (close(value, expected, tol)) return right(ex);
    if (!typed.explicit && ex.scale !== 1 && close(value / ex.scale, expected, tol))
      return right(ex, T("Correct: {typed} is {value} {unit}. The prompt asks for {unit}, so " +
        "write it that way next time.", {typed: typed.text, value: fmt(value / ex.scale), unit: ex.unit}));
    var coarse = typed.resolution > 2 * tol && typed.rounds(expected);
    if (!coarse) {
      var best = null;
      ex.mistakes.forEach(function (m, i) {
        if (!typed.consistent(m.value, tol)) return;
        var distance = Math.abs(value - m.value);
        if (best === null || distance < best[0]) best = [distance, i, m];
      });
      if (best) return wrong(ex, best[2].message);
    }
    var message = coarse ? null : unitsMessage(ex, typed, expected, tol);
    if (message) return wrong(ex, message);
    if (!coarse) {
      var pct = typed.parsed.percent;
      if (ex.percent && !pct && typed.consistent(expected * 100, tol * 100))
        return wrong(ex, T("You typed {typed}, which reads as {percent} %. Rates are decimals in this " +
          "workbook: write {typed}% or {decimal}.", {typed: typed.text, percent: fmt(value * 100),
          decimal: fmt(value / 100)}));
      if (ex.percent && pct && typed.consistent(expected / 100, tol / 100))
        return wrong(ex, T("{typed} reads as {value} (a hundredth of {hundred}). Either write the decimal without " +
          "%, or multiply by 100 before adding %.", {typed: typed.text, value: fmt(value), hundred: fmt(value * 100)}));
      if (!ex.percent && pct && typed.consistent(expected / 100, tol / 100))
        return wrong(ex, T("The digits are right, but this answer is in {unit}, not a percentage: type the " +
          "number without the % sign.", {unit: ex.unit || T("the prompt's unit")}));
      if (!ex.percent && !pct && typed.consistent(expected / 100, tol / 100))
        return wrong(ex, T("{typed} looks like a decimal share; this answer is in {unit} (a percentage or points, " +
          "not a fraction). Multiply by 100.", {typed: typed.text, unit: ex.unit || T("points")}));
      if (ex.percent && !pct && Math.abs(value) >= 100)
        return wrong(ex, T("{typed} is an amount, not a rate: the answer is {unit}. Express the amount relative " +
          "to its base (divide by it).", {typed: typed.text, unit: unitWords(ex)}));
    }
    if (!coarse && ex.percent && typed.consistent(expected + 1, tol))
      return wrong(ex, T("{typed} is a multiple of the base (new ÷ old), not the rate of change: the rate is " +
        "the multiple minus 1 (a multiple of 1.25 is a rise of 25 %).", {typed: typed.text}));
    var unit = fold(ex.unit || "");
    var multiple = ["times", "multiple", "ratio", "×"].some(function (w) { return unit.indexOf(w) >= 0; });
    if (!coarse && multiple && typed.consistent(expected - 1, tol))
      return wrong(ex, T("{typed} looks like the rate of change; this answer is the multiple (new ÷ old = " +
        "1 + rate).", {typed: typed.text}));
    if (coarse)
      return wrong(ex, T("{typed} is rounded too coarsely: the prompt asks for {precision}. Keep full precision " +
        "and round only at the end.", {typed: typed.text, precision: precisionWords(ex, typed, tol)}));
    if (expected !== 0 && typed.consistent(-expected, tol)) return wrong(ex, signMessage(ex));
    var direction = value > expected ? T("too high") : T("too low");
    var whole = ex.decimals !== null && ex.decimals !== undefined && ex.decimals <= 0 && Number.isInteger(expected);
    if (expected !== 0 && Math.abs(value - expected) <= Math.max(10 * tol, 0.02 * Math.abs(expected))) {
      if (whole)
        return wrong(ex, T("{typed} is close but {direction}: this answer is a whole number and must be " +
          "exact. Check what you counted (duplicates, a dropped or extra row).",
          {typed: typed.text, direction: direction}));
      return wrong(ex, T("{typed} is close but {direction}, outside the accepted precision ({precision}): keep " +
        "more decimals in the intermediate steps and round only at the end.",
        {typed: typed.text, direction: direction, precision: precisionWords(ex, typed, tol)}));
    }
    return wrong(ex, T("{typed} is {direction}.", {typed: typed.text, direction: direction}));
  }

  function keys(ex) { return ex.choices.map(function (c) { return c[0]; }); }

  function optionKey(ex, item) {
    var folded = fold(normalise(item)).replace(/[.)]+$/, "");
    for (var i = 0; i < ex.choices.length; i++) {
      var key = ex.choices[i][0], text = ex.choices[i][1];
      if (folded === fold(key) || folded === fold(normalise(text))) return key;
    }
    throw new AnswerError(T("{item} is not one of the options; choose from {keys}.",
      {item: pyRepr(item), keys: keys(ex).join(", ")}));
  }

  function checkChoice(ex, answer) {
    var items = splitItems(answer);
    if (!items.length) throw new AnswerError(T("Choose one option: {keys}.", {keys: keys(ex).join(", ")}));
    if (items.length > 1) throw new AnswerError(T("Choose just one option."));
    var key = optionKey(ex, items[0]);
    if (key === ex.answer) return right(ex);
    var reason = has(ex.why_wrong, key) ? ex.why_wrong[key] : T("That is not the best answer.");
    return wrong(ex, key + ": " + reason);
  }

  function checkMulti(ex, answer) {
    var items = splitItems(answer), all = keys(ex);
    if (items.length === 1 && all.every(function (k) { return k.length === 1; }) && items[0].length > 1 &&
        /^\p{L}+$/u.test(items[0])) items = Array.from(items[0]);
    if (!items.length)
      throw new AnswerError(T("Choose at least one option from {keys}, separated by commas.", {keys: all.join(", ")}));
    var chosen = {};
    items.forEach(function (item) { chosen[optionKey(ex, item)] = true; });
    var expected = {};
    ex.answer.forEach(function (k) { expected[k] = true; });
    var wrongKeys = all.filter(function (k) { return chosen[k] && !expected[k]; });
    var missed = all.filter(function (k) { return expected[k] && !chosen[k]; });
    if (!wrongKeys.length && !missed.length) return right(ex);
    var parts = [];
    if (wrongKeys.length) parts.push(T("should not be chosen: {options}", {options: wrongKeys.map(function (k) {
      return has(ex.why_wrong, k) ? k + " (" + ex.why_wrong[k] + ")" : k;
    }).join("; ")}));
    if (missed.length) parts.push(T("{n} correct option(s) missing", {n: missed.length}));
    return wrong(ex, T("Not quite: {parts}.", {parts: parts.join(T(", and "))}));
  }

  function checkLabels(ex, answer) {
    var items = splitItems(answer), expected = ex.answer, vocabulary = {};
    // A label may be typed in either language: the English label or its translation for this exercise.
    var shown = ex.label_names || ex.labels;
    ex.labels.forEach(function (lab, i) {
      vocabulary[fold(normalise(lab))] = lab;
      vocabulary[fold(normalise(shown[i]))] = lab;
    });
    if (!items.length) throw new AnswerError(T("Type {n} labels separated by commas, in order.", {n: expected.length}));
    if (items.length !== expected.length)
      throw new AnswerError(T("Type exactly {n} labels separated by commas; you typed {typed}.",
        {n: expected.length, typed: items.length}));
    var given = items.map(function (item) {
      var key = fold(normalise(item));
      if (!has(vocabulary, key))
        throw new AnswerError(T("{item} is not one of the labels: {labels}.", {item: pyRepr(item),
          labels: shown.join(", ")}));
      return vocabulary[key];
    });
    var bad = [];
    given.forEach(function (g, i) { if (g !== expected[i]) bad.push(i); });
    if (!bad.length) return right(ex);
    var names = ex.items.length ? ex.items : expected.map(function (_, i) { return T("item {n}", {n: i + 1}); });
    return wrong(ex, T("{right} of {n} right; look again at: {items}.", {right: expected.length - bad.length,
      n: expected.length, items: bad.map(function (i) { return names[i]; }).join(", ")}));
  }

  function judgementText(ex) {
    return "**" + T("A model answer") + "**\n\n" + ex.model_answer + "\n\n**" + T("Check your answer for") + "**\n\n" +
      ex.rubric.map(function (point) { return "- " + point; }).join("\n");
  }

  function checkJudgement(ex, answer) {
    var text = typeof answer === "string" ? normalise(answer) : "";
    if (!text) throw new AnswerError(T("Write your answer first, then compare it with a model answer."));
    return {correct: true, message: RIGHT + " " + T("Compare your answer with a model answer and the points below.") +
      "\n\n" + judgementText(ex), hint: "", attempt: true};
  }

  var CHECKERS = {number: checkNumber, choice: checkChoice, multi: checkMulti, labels: checkLabels,
                  judgement: checkJudgement};

  /** The verdict on one answer: {correct, message, hint}, as crmlab.exercises.check gives it. Never throws. */
  function check(ex, answer) {
    try {
      return CHECKERS[ex.kind](ex, answer);
    } catch (err) {
      // An answer that cannot be read is not a try (attempt: false), as in Python.
      if (err instanceof AnswerError) return {correct: false, message: WRONG + " " + err.message, hint: ex.hint || "",
                                              attempt: false};
      // As Python does for what slips past the parser: still the reader's input, never a crash.
      return {correct: false, message: WRONG + " " + T("Could not read that answer: type a number, e.g. 0.12, 12% or " +
                                                       "1,200."), hint: ex.hint || "", attempt: false};
    }
  }

  // ------------------------------------------------------------------ the form in the page

  function element(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function mount(box) {
    var script = box.querySelector("script.crmlab-exercise-data");
    if (!script || box.getAttribute("data-ready")) return;
    var ex = JSON.parse(script.textContent);
    var name = "crmlab-" + ex.id.replace(/\W/g, "-");
    var answer = element("div", {"class": "crmlab-answer"});
    var read, textInput = null;
    if (ex.kind === "choice" || ex.kind === "multi") {
      var type = ex.kind === "choice" ? "radio" : "checkbox";
      ex.choices.forEach(function (c) {
        var label = element("label", {"class": "crmlab-option-" + c[0]});
        label.appendChild(element("input", {type: type, name: name, value: c[0]}));
        label.appendChild(document.createTextNode(" " + c[0] + ". " + c[1]));
        answer.appendChild(label);
      });
      read = function () {
        var picked = Array.prototype.filter.call(answer.querySelectorAll("input"), function (i) { return i.checked; })
          .map(function (i) { return i.value; });
        return ex.kind === "choice" ? (picked.length ? picked[0] : "") : picked;
      };
    } else {
      // The widget's placeholders (crmlab.widgets.exercise), in the page's language.
      var placeholder = ex.kind === "judgement" ? T("Write your answer: the decision, and the numbers behind it.") :
        ex.kind === "number" ? T("e.g. 0.12, 12% or 1,200") : T("labels separated by commas");
      textInput = ex.kind === "judgement" ?
        element("textarea", {rows: "4", "aria-label": placeholder, placeholder: placeholder}) :
        element("input", {type: "text", "aria-label": placeholder, placeholder: placeholder});
      if (ex.kind !== "number") textInput.className = "crmlab-wide";
      answer.appendChild(textInput);
      read = function () { return textInput.value; };
    }
    var buttons = element("div", {"class": "crmlab-buttons"});
    var checkButton = element("button", {type: "button", "class": "crmlab-check"},
      ex.kind === "judgement" ? T("Compare with a model answer") : T("Check"));
    buttons.appendChild(checkButton);
    var hintButton = element("button", {type: "button", "class": "crmlab-hint"}, T("Hint"));
    buttons.appendChild(hintButton);
    var solutionButton = element("button", {type: "button", "class": "crmlab-show-solution", hidden: ""},
      T("Show solution"));
    buttons.appendChild(solutionButton);
    var feedback = element("div", {"class": "crmlab-feedback", "aria-live": "polite"});
    var solution = element("div", {"class": "crmlab-solution", hidden: ""});
    var tries = 0, wrongTries = 0;

    function showSolution() {
      if (!ex.solution_html) return;
      solution.innerHTML = ex.solution_html;  // written by crmlab from the exercise bank, not by the reader
      solution.hidden = false;
      solutionButton.hidden = true;
      if (root.MathJax && root.MathJax.typesetPromise) root.MathJax.typesetPromise([solution]);
    }

    checkButton.addEventListener("click", function () {
      var verdict = check(ex, read());
      feedback.className = "crmlab-feedback " + (verdict.correct ? "crmlab-right" : "crmlab-wrong");
      if (ex.kind === "judgement" && verdict.correct) {
        feedback.textContent = verdict.message.split("\n")[0];
        showSolution();
        return;
      }
      feedback.textContent = verdict.message;
      if (!verdict.attempt) return;  // an answer that could not be read is not a try
      tries += 1;
      if (!verdict.correct) wrongTries += 1;
      // As the widget: the worked solution on request after a try, and by itself after two wrong tries.
      if (ex.solution_html && solution.hidden) {
        if (wrongTries >= 2) showSolution();
        else solutionButton.hidden = false;
      }
    });
    hintButton.addEventListener("click", function () {
      feedback.className = "crmlab-feedback";
      feedback.textContent = "";
      feedback.appendChild(element("span", {"class": "crmlab-hint-text"}, T("Hint:") + " " + (ex.hint ||
        T("No hint for this one: re-read the section above."))));
    });
    solutionButton.addEventListener("click", showSolution);
    if (textInput) textInput.addEventListener("input", function () { feedback.textContent = ""; });
    box.appendChild(answer);
    box.appendChild(buttons);
    box.appendChild(feedback);
    box.appendChild(solution);
    box.setAttribute("data-ready", "1");
  }

  var api = {check: check, parseNumber: parseNumber, splitItems: splitItems, fmt: fmt, AnswerError: AnswerError,
             T: T, setMessages: setMessages};
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  else root.crmlabExercises = api;

  if (typeof document !== "undefined") {
    var start = function () {
      // The page's message table (one per page; none in English), before any form is drawn.
      Array.prototype.forEach.call(document.querySelectorAll("script.crmlab-messages"), function (script) {
        try { setMessages(JSON.parse(script.textContent)); } catch (err) { /* English, then */ }
      });
      Array.prototype.forEach.call(document.querySelectorAll(".crmlab-exercise[data-exercise]"), mount);
    };
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
    else start();
  }
})(typeof window !== "undefined" ? window : this);
