Attribute VB_Name = "RibbonBudget"
Option Explicit

' One generic callback for every button of the ribbon tab: the button id is passed to
' Python, which dispatches it (budget_disclosure/xl/ribbon.py). Keep this module ASCII-only:
' the VBA project code page is 1252, so Chinese text lives in customUI14.xml and Python.
Sub OnAction(control As IRibbonControl)
    RunPython "import budget_disclosure.xl.ribbon as r; r.on_ribbon('" & control.Id & "')"
End Sub

' Flags in one call per sheet (budget_disclosure/xlio/xlwings_port.py): Python passes the
' addresses joined by ";" and the notes joined by Chr(31); colours go as union ranges from Python.
' BDGetMarks returns, per address, the fill ("none" or "solid:RRGGBB") and the note text.
Function BDGetMarks(bookName As String, sheetName As String, addresses As String) As Variant
    Dim ws As Worksheet, parts() As String, out() As String, i As Long, c As Range
    Set ws = Workbooks(bookName).Worksheets(sheetName)
    parts = Split(addresses, ";")
    ReDim out(0 To UBound(parts), 0 To 1)
    For i = 0 To UBound(parts)
        Set c = ws.Range(parts(i))
        If c.Interior.ColorIndex = xlColorIndexNone Then
            out(i, 0) = "none"
        Else
            out(i, 0) = "solid:" & BDHex(c.Interior.Color)
        End If
        If c.Comment Is Nothing Then
            out(i, 1) = ""
        Else
            out(i, 1) = c.Comment.Text
        End If
    Next i
    BDGetMarks = out
End Function

' Excel keeps a colour as a Long in BGR order; the product speaks RRGGBB.
Private Function BDHex(color As Long) As String
    BDHex = Right("0" & Hex(color And &HFF&), 2) & Right("0" & Hex((color \ &H100&) And &HFF&), 2) & _
            Right("0" & Hex((color \ &H10000) And &HFF&), 2)
End Function

' Replace the note of each address: an empty text removes it.
Sub BDSetNotes(bookName As String, sheetName As String, addresses As String, texts As String)
    Dim ws As Worksheet, parts() As String, notes() As String, i As Long, c As Range
    Set ws = Workbooks(bookName).Worksheets(sheetName)
    parts = Split(addresses, ";")
    notes = Split(texts, Chr(31))
    For i = 0 To UBound(parts)
        Set c = ws.Range(parts(i))
        If Not c.Comment Is Nothing Then c.Comment.Delete
        If Len(notes(i)) > 0 Then c.AddComment notes(i)
    Next i
End Sub

' The top-left cell of the merged area each address lies in (where a mark can go).
Function BDAnchors(bookName As String, sheetName As String, addresses As String) As Variant
    Dim ws As Worksheet, parts() As String, out() As String, i As Long
    Set ws = Workbooks(bookName).Worksheets(sheetName)
    parts = Split(addresses, ";")
    ReDim out(0 To UBound(parts))
    For i = 0 To UBound(parts)
        out(i) = ws.Range(parts(i)).MergeArea.Cells(1, 1).Address(False, False)
    Next i
    BDAnchors = out
End Function
