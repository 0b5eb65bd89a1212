// 预算公开 ribbon for xlwings Server (Office.js: Excel on the web, Mac, Windows).
// `budget-disclosure server init` copies this file into the project's static/js/ (replacing
// xlwings-server's sample), with the request limits filled in; xlwings-server's base.html loads it
// in the add-in's shared runtime. Each button of the manifest calls the Python script of the same
// name in budget_disclosure/xl/server.py.
const BUDGET_BUTTONS = {
  "bd-fill": "bd_fill",
  "bd-check": "bd_check",
  "bd-clear": "bd_clear",
  "bd-export": "bd_export",
  "bd-help": "bd_help",
};

const DETAIL_SHEET = "预算明细";
// Excel on the web carries at most 5 MB per request (a 预算明细 line is ~190 bytes of it):
// beyond CHECK_MAX_DETAIL_ROWS the check goes without the 预算明细 (and says so); beyond
// WEB_MAX_DETAIL_ROWS fill and export are not sent (the server says what to do instead).
const CHECK_MAX_DETAIL_ROWS = __CHECK_MAX_DETAIL_ROWS__;
const WEB_MAX_DETAIL_ROWS = __WEB_MAX_DETAIL_ROWS__;
const MAX_FILL_CELLS = 200000; // fill colours read per sheet at most (bigger sheets: none sent)

// Sign-in: when the server uses one of xlwings-server's auth providers (XLWINGS_AUTH_PROVIDERS),
// its auth.js defines getAuth(); the token and the provider go with every request.
async function bdAuth() {
  return typeof globalThis.getAuth === "function"
    ? await globalThis.getAuth()
    : { token: "", provider: "" };
}

async function bdDetailRows() {
  return await Excel.run(async (context) => {
    const sheet = context.workbook.worksheets.getItemOrNullObject(DETAIL_SHEET);
    await context.sync();
    if (sheet.isNullObject) return 0;
    const used = sheet.getUsedRangeOrNullObject(true);
    used.load("rowCount");
    await context.sync();
    return used.isNullObject ? 0 : used.rowCount;
  });
}

// The fill colours of every sheet but the 预算明细, as [row, column, "#RRGGBB"] of the cells that
// have one (1-based), so that a flag records a cell's real fill and 清除标记 restores it. Needs
// getCellProperties (ExcelApi 1.9); older Excel sends none and the server says what it could not restore.
async function bdFills() {
  if (!Office.context.requirements.isSetSupported("ExcelApi", "1.9")) return "";
  return await Excel.run(async (context) => {
    const sheets = context.workbook.worksheets;
    sheets.load("items/name");
    await context.sync();
    const used = [];
    for (const sheet of sheets.items) {
      if (sheet.name === DETAIL_SHEET) continue;
      const range = sheet.getUsedRangeOrNullObject(false);
      range.load("rowIndex,columnIndex,rowCount,columnCount");
      used.push([sheet.name, range]);
    }
    await context.sync();
    const read = [];
    for (const [name, range] of used) {
      if (range.isNullObject || range.rowCount * range.columnCount > MAX_FILL_CELLS) continue;
      read.push([name, range, range.getCellProperties({ format: { fill: { color: true } } })]);
    }
    await context.sync();
    const fills = {};
    for (const [name, range, properties] of read) {
      const cells = [];
      properties.value.forEach((row, r) =>
        row.forEach((cell, c) => {
          const color = cell.format && cell.format.fill ? cell.format.fill.color : null;
          if (color && color.toUpperCase() !== "#FFFFFF") {
            cells.push([range.rowIndex + r + 1, range.columnIndex + c + 1, color]);
          }
        }),
      );
      fills[name] = cells;
    }
    return JSON.stringify(fills);
  });
}

async function bdRun(scriptName, args, exclude = "") {
  const auth = await bdAuth();
  await xlwings.runPython({
    scriptName,
    args,
    exclude,
    auth: auth.token,
    headers: { "Auth-Provider": auth.provider },
  });
}

async function bdButton(scriptName) {
  const rows = await bdDetailRows();
  const origin = window.location.origin;
  if ((scriptName === "bd_fill" || scriptName === "bd_export") && rows > WEB_MAX_DETAIL_ROWS) {
    // the request would exceed what Excel on the web can send: the server says so, in Chinese
    await bdRun("bd_too_large", [scriptName === "bd_fill" ? "fill" : "export", rows], DETAIL_SHEET);
  } else if (scriptName === "bd_check") {
    const omitted = rows > CHECK_MAX_DETAIL_ROWS ? rows : 0;
    await bdRun(scriptName, [await bdFills(), omitted], omitted ? "使用说明," + DETAIL_SHEET : "使用说明");
  } else if (scriptName === "bd_clear") {
    await bdRun(scriptName, [await bdFills()], "使用说明");
  } else if (scriptName === "bd_export") {
    await bdRun(scriptName, [origin], "使用说明");
  } else {
    await bdRun(scriptName, []);
  }
}

// 导出公开包: the server returns the download link (temporary) through this callback.
async function bdDownload(context, link) {
  const url = new URL(link, window.location.href).href;
  if (Office.context.ui && Office.context.ui.openBrowserWindow) {
    Office.context.ui.openBrowserWindow(url);
  } else {
    window.open(url, "_blank");
  }
}
xlwings.registerCallback(bdDownload);

for (const [functionName, scriptName] of Object.entries(BUDGET_BUTTONS)) {
  Office.actions.associate(functionName, async (event) => {
    try {
      await bdButton(scriptName);
    } finally {
      event.completed();
    }
  });
}

// The task pane in Chinese: xlwings-server's page is titled "Task pane" and, when Office.js fails to
// load, says "The add-in didn't load properly." with Reload / Cancel. This file is loaded (deferred)
// in that page's head, so the page's elements are there when it runs.
function bdChinesePage() {
  document.documentElement.lang = "zh-CN";
  document.title = "预算公开";
  const words = document.querySelector("#xlwings-office-ready-error .mb-3");
  if (words) words.textContent = "加载项未能正常加载。请重新加载；仍不行时请检查网络，或联系部署本工具的管理员。";
  const reload = document.getElementById("xlwings-taskpane-reload-btn");
  if (reload) reload.textContent = "重新加载";
  const cancel = document.getElementById("xlwings-taskpane-reload-cancel-btn");
  if (cancel) cancel.textContent = "取消";
  for (const close of document.querySelectorAll(".alert .btn-close")) close.setAttribute("aria-label", "关闭");
}
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", bdChinesePage);
} else {
  bdChinesePage();
}
