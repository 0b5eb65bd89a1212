// xlwings Server (Office.js): associate each ribbon button of manifest.xml with the Python
// script of the same name (budget_disclosure/xl/server.py). Copy into the server project's
// static/js/ and load it from the task pane page.
const BUDGET_BUTTONS = {
  "bd-fill": "bd_fill",
  "bd-check": "bd_check",
  "bd-clear": "bd_clear",
  "bd-export": "bd_export",
  "bd-help": "bd_help",
};

for (const [functionName, scriptName] of Object.entries(BUDGET_BUTTONS)) {
  Office.actions.associate(functionName, async (event) => {
    try {
      await xlwings.runPython({ scriptName });
    } finally {
      event.completed();
    }
  });
}
