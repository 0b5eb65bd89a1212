Attribute VB_Name = "RibbonBudget"
Option Explicit

' One generic callback for every button of the ribbon tab: the button id is passed to
' Python, which dispatches it (budget_disclosure/xl/ribbon.py). Keep this module ASCII-only:
' the VBA project code page is 1252, so Chinese text lives in customUI14.xml and Python.
Sub OnAction(control As IRibbonControl)
    RunPython "import budget_disclosure.xl.ribbon as r; r.on_ribbon('" & control.Id & "')"
End Sub
