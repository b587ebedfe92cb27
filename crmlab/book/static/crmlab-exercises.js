/* Exercises that check themselves in the published workbook, without a kernel.
 *
 * Each exercise form in a page carries its data (written by crmlab.book._quiz.export) in a
 * <script type="application/json" class="crmlab-exercise-data">. check(data, answer) gives the
 * same verdict, message and hint as crmlab.exercises.check in Python: tests/test_book.py runs
 * both on a table of answers per exercise. Nothing here evaluates what the reader types.
 */
(function (root) {
  "use strict";

  var RIGHT = "\u2714", WRONG = "\u2718";

  function AnswerError(message) { this.message = message; }

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

  // format(x, ".6g")
  function g6(x) {
    if (x === 0) return (1 / x < 0) ? "-0" : "0";
    if (!isFinite(x)) return isNaN(x) ? "nan" : (x > 0 ? "inf" : "-inf");
    var exp = Number(x.toExponential(5).split("e")[1]);
    if (exp < -4 || exp >= 6) {
      var parts = x.toExponential(5).split("e");
      var e = Number(parts[1]);
      return stripZeros(parts[0]) + "e" + (e < 0 ? "-" : "+") + (Math.abs(e) < 10 ? "0" : "") + Math.abs(e);
    }
    return stripZeros(x.toFixed(Math.max(0, 5 - exp)));
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

  var CURRENCY = /^(?:cny|rmb|usd|eur|[¥$€£])\s*|\s*(?:cny|rmb|usd|eur|yuan|元|[¥$€£])$/gi;
  var NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;
  var SCALE = [["mn", 1e6], ["bn", 1e9], ["k", 1e3], ["m", 1e6], ["万", 1e4], ["亿", 1e8]];
  var GROUPED = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$/;

  function normalise(text) { return text.normalize("NFKC").replace(/^\s+|\s+$/g, ""); }
  function fold(text) { return text.toLowerCase(); }
  function hasDigit(text) { return /\d/.test(text); }

  function parseNumber(answer) {
    if (answer === null || answer === undefined) throw new AnswerError("Type an answer first.");
    var text = normalise(String(answer));
    if (!text) throw new AnswerError("Type an answer first.");
    var raw = text;
    text = text.split(" ").join("").split("\u00a0").join("");
    var percent = false;
    if (text.slice(-1) === "%") { percent = true; text = text.slice(0, -1); }
    text = text.replace(CURRENCY, "");
    text = text.replace(CURRENCY, "");
    var scale = 1;
    for (var i = 0; i < SCALE.length; i++) {
      var suffix = SCALE[i][0];
      if (fold(text).slice(-suffix.length) === suffix && text.length > suffix.length) {
        scale = SCALE[i][1]; text = text.slice(0, -suffix.length); break;
      }
    }
    if (text.indexOf(",") >= 0) {
      if (GROUPED.test(text)) text = text.split(",").join("");
      else if (/^[+-]?\d+,\d+$/.test(text))
        throw new AnswerError(pyRepr(raw) + ": use a dot for decimals (0.12), and commas only between thousands (1,200).");
      else throw new AnswerError(pyRepr(raw) + " looks like several numbers; type just one.");
    }
    if (!NUMBER.test(text)) {
      if (hasDigit(text))
        throw new AnswerError("Could not read " + pyRepr(raw) + " as a number: type digits only, e.g. 0.12, 12% or 1,200.");
      throw new AnswerError(pyRepr(raw) + " is not a number: type digits, e.g. 0.12, 12% or 1,200.");
    }
    var value = Number(text) * scale;
    if (!isFinite(value)) throw new AnswerError(pyRepr(raw) + " is too large to be a sensible answer.");
    if (percent) value /= 100;
    return {value: value, percent: percent};
  }

  function splitItems(answer) {
    if (answer === null || answer === undefined) return [];
    if (Array.isArray(answer)) return answer.map(function (a) { return normalise(String(a)); }).filter(Boolean);
    var text = normalise(String(answer));
    var items = text.split(/[,;/\n、，；]+/).map(function (p) { return p.replace(/^\s+|\s+$/g, ""); })
      .filter(Boolean);
    if (items.length === 1 && /^[A-Za-z](\s+[A-Za-z])+$/.test(items[0])) items = items[0].split(/\s+/);
    return items;
  }

  // ------------------------------------------------------------------ checking (crmlab.exercises._check_*)

  function close(a, b, tol) { return Math.abs(a - b) <= tol + 1e-12 * Math.max(1, Math.abs(b)); }

  function right(ex) { return {correct: true, message: (RIGHT + " Correct. " + (ex.explanation || "")).trim(), hint: ""}; }
  function wrong(ex, message) { return {correct: false, message: WRONG + " " + message, hint: ex.hint || ""}; }

  function checkNumber(ex, answer) {
    var parsed = parseNumber(answer), value = parsed.value, expected = ex.answer, tol = ex.tolerance;
    if (close(value, expected, tol)) return right(ex);
    var typed = parsed.percent ? fmt(parsed.value * 100) + "%" : fmt(value);
    for (var i = 0; i < ex.mistakes.length; i++)
      if (close(value, ex.mistakes[i].value, tol)) return wrong(ex, ex.mistakes[i].message);
    if (ex.percent && !parsed.percent && close(value / 100, expected, tol))
      return wrong(ex, "You typed " + typed + ", which reads as " + fmt(value * 100) + " %. Rates are decimals in " +
        "this workbook: write " + fmt(expected) + " or " + fmt(expected * 100) + "%.");
    if (!ex.percent && close(value * 100, expected, tol))
      return wrong(ex, typed + " looks like a decimal share; this answer is on the scale of " + fmt(expected) +
        " (a percentage or points, not a fraction). Multiply by 100.");
    if (expected !== 0 && close(-value, expected, tol))
      return wrong(ex, "The size is right but the sign is wrong: check whether this is a cost or a gain, an outflow " +
        "or an inflow.");
    if (expected !== 0 && Math.abs(value - expected) <= Math.max(10 * tol, 0.02 * Math.abs(expected)))
      return wrong(ex, "Close, but outside the tolerance (\u00b1" + fmt(tol) + "): keep more decimals in the " +
        "intermediate steps and round only at the end.");
    return wrong(ex, typed + " is " + (value > expected ? "too high" : "too low") + ".");
  }

  function keys(ex) { return ex.choices.map(function (c) { return c[0]; }); }

  function optionKey(ex, item) {
    var folded = fold(normalise(item)).replace(/[.)]+$/, "");
    for (var i = 0; i < ex.choices.length; i++) {
      var key = ex.choices[i][0], text = ex.choices[i][1];
      if (folded === fold(key) || folded === fold(normalise(text))) return key;
    }
    throw new AnswerError(pyRepr(item) + " is not one of the options; choose from " + keys(ex).join(", ") + ".");
  }

  function checkChoice(ex, answer) {
    var items = splitItems(answer);
    if (!items.length) throw new AnswerError("Choose one option: " + keys(ex).join(", ") + ".");
    if (items.length > 1) throw new AnswerError("Choose just one option.");
    var key = optionKey(ex, items[0]);
    if (key === ex.answer) return right(ex);
    var reason = Object.prototype.hasOwnProperty.call(ex.why_wrong, key) ? ex.why_wrong[key] :
      "That is not the best answer.";
    return wrong(ex, key + ": " + reason);
  }

  function checkMulti(ex, answer) {
    var items = splitItems(answer), all = keys(ex);
    if (items.length === 1 && all.every(function (k) { return k.length === 1; }) && items[0].length > 1 &&
        /^[A-Za-z\u00c0-\uffff]+$/.test(items[0]) && !/\d/.test(items[0])) items = items[0].split("");
    if (!items.length) throw new AnswerError("Choose at least one option from " + all.join(", ") + ", separated by commas.");
    var chosen = {};
    items.forEach(function (item) { chosen[optionKey(ex, item)] = true; });
    var expected = {};
    ex.answer.forEach(function (k) { expected[k] = true; });
    var wrongKeys = all.filter(function (k) { return chosen[k] && !expected[k]; });
    var missed = all.filter(function (k) { return expected[k] && !chosen[k]; });
    if (!wrongKeys.length && !missed.length) return right(ex);
    var parts = [];
    if (wrongKeys.length) parts.push("should not be chosen: " + wrongKeys.map(function (k) {
      return Object.prototype.hasOwnProperty.call(ex.why_wrong, k) ? k + " (" + ex.why_wrong[k] + ")" : k;
    }).join("; "));
    if (missed.length) parts.push(missed.length + " correct option(s) missing");
    return wrong(ex, "Not quite: " + parts.join(", and ") + ".");
  }

  function checkLabels(ex, answer) {
    var items = splitItems(answer), expected = ex.answer, vocabulary = {};
    ex.labels.forEach(function (lab) { vocabulary[fold(normalise(lab))] = lab; });
    if (!items.length) throw new AnswerError("Type " + expected.length + " labels separated by commas, in order.");
    if (items.length !== expected.length)
      throw new AnswerError("Type exactly " + expected.length + " labels separated by commas; you typed " + items.length + ".");
    var given = items.map(function (item) {
      var key = fold(normalise(item));
      if (!Object.prototype.hasOwnProperty.call(vocabulary, key))
        throw new AnswerError(pyRepr(item) + " is not one of the labels: " + ex.labels.join(", ") + ".");
      return vocabulary[key];
    });
    var bad = [];
    given.forEach(function (g, i) { if (g !== expected[i]) bad.push(i); });
    if (!bad.length) return right(ex);
    var names = ex.items.length ? ex.items : expected.map(function (_, i) { return "item " + (i + 1); });
    return wrong(ex, (expected.length - bad.length) + " of " + expected.length + " right; look again at: " +
      bad.map(function (i) { return names[i]; }).join(", ") + ".");
  }

  var CHECKERS = {number: checkNumber, choice: checkChoice, multi: checkMulti, labels: checkLabels};

  /** The verdict on one answer: {correct, message, hint}, as crmlab.exercises.check gives it. Never throws. */
  function check(ex, answer) {
    try {
      return CHECKERS[ex.kind](ex, answer);
    } catch (err) {
      if (err instanceof AnswerError) return {correct: false, message: WRONG + " " + err.message, hint: ex.hint || ""};
      return {correct: false, message: WRONG + " This exercise could not be checked (" + (err && err.name) +
        "); please tell your instructor.", hint: ""};
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
    var read;
    if (ex.kind === "choice" || ex.kind === "multi") {
      var type = ex.kind === "choice" ? "radio" : "checkbox";
      ex.choices.forEach(function (c) {
        var label = element("label", {"class": "crmlab-option-" + c[0]});
        var input = element("input", {type: type, name: name, value: c[0]});
        label.appendChild(input);
        label.appendChild(document.createTextNode(" " + c[0] + ". " + c[1]));
        answer.appendChild(label);
      });
      read = function () {
        var picked = Array.prototype.filter.call(answer.querySelectorAll("input"), function (i) { return i.checked; })
          .map(function (i) { return i.value; });
        return ex.kind === "choice" ? (picked.length ? picked[0] : null) : picked;
      };
    } else {
      var text = element("input", {type: "text", "aria-label": "Your answer",
        placeholder: ex.kind === "number" ? "e.g. 0.12, 12% or 1,200" : "labels separated by commas"});
      if (ex.kind === "labels") text.className = "crmlab-wide";
      answer.appendChild(text);
      read = function () { return text.value; };
    }
    var buttons = element("div", {"class": "crmlab-buttons"});
    var checkButton = element("button", {type: "button", "class": "crmlab-check"}, "Check");
    var hintButton = element("button", {type: "button", "class": "crmlab-hint"}, "Hint");
    buttons.appendChild(checkButton);
    buttons.appendChild(hintButton);
    var feedback = element("div", {"class": "crmlab-feedback", "aria-live": "polite"});
    checkButton.addEventListener("click", function () {
      var verdict = check(ex, ex.kind === "choice" && read() === null ? "" : read());
      feedback.className = "crmlab-feedback " + (verdict.correct ? "crmlab-right" : "crmlab-wrong");
      feedback.textContent = verdict.message;
    });
    hintButton.addEventListener("click", function () {
      feedback.className = "crmlab-feedback";
      feedback.textContent = "";
      var hint = element("span", {"class": "crmlab-hint-text"}, "Hint: " + (ex.hint ||
        "No hint for this one: re-read the section above."));
      feedback.appendChild(hint);
    });
    var text = answer.querySelector("input[type=text]");
    if (text) text.addEventListener("input", function () { feedback.textContent = ""; });
    box.appendChild(answer);
    box.appendChild(buttons);
    box.appendChild(feedback);
    box.setAttribute("data-ready", "1");
  }

  var api = {check: check, parseNumber: parseNumber, splitItems: splitItems, fmt: fmt, AnswerError: AnswerError};
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  else root.crmlabExercises = api;

  if (typeof document !== "undefined") {
    var start = function () { Array.prototype.forEach.call(document.querySelectorAll(".crmlab-exercise[data-exercise]"), mount); };
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
    else start();
  }
})(typeof window !== "undefined" ? window : this);
