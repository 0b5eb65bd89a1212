Attribute VB_Name = "RibbonBudget"
Option Explicit

' One generic callback for every button of the ribbon tab: the button id is passed to
' Python, which dispatches it (budget_disclosure/xl/ribbon.py). Keep this module ASCII-only:
' the VBA project code page is 1252, so Chinese text lives in customUI14.xml and Python.
Sub OnAction(control As IRibbonControl)
    If Not BDPythonFound() Then Exit Sub
    RunPython "import budget_disclosure.xl.ribbon as r; r.on_ribbon('" & control.Id & "')"
End Sub

' Before xlwings' English "Could not find Interpreter!" can appear: an interpreter configured for the
' add-in (Interpreter_Win) that is not on this machine is said in Chinese, with what to do. Windows only
' (on a Mac the path is checked by xlwings itself). The text is kept as UTF-16 code points: ASCII module.
Private Function BDPythonFound() As Boolean
    BDPythonFound = True
    #If Mac Then
        Exit Function
    #Else
        Dim interpreter As String
        interpreter = GetConfig("INTERPRETER_WIN", "")
        If interpreter = "" Then Exit Function
        If InStr(interpreter, "\") = 0 And InStr(interpreter, "/") = 0 Then Exit Function
        If Len(Dir(interpreter)) > 0 Then Exit Function
        MsgBox BDText("627E4E0D523000200050007900740068006F006EFF1A672C52A08F7D98798BBE7F6E768489E391CA56684E0D5B585728FF08") & interpreter & _
               BDText("FF0930028BF75728547D4EE4884C8FD0884C0020006200750064006700650074002D0064006900730063006C006F007300750072006500200061006400640069006E00200069006E007300740061006C006C002091CD65B08BBE7F6EFF0C62165728201C0078006C00770069006E00670073002E0063006F006E0066201D5DE54F5C8868768400200049006E007400650072007000720065007400650072005F00570069006E0020586B519900200070007900740068006F006E002E006500780065002076845B8C65748DEF5F843002"), _
               vbExclamation, BDText("98847B97516C5F00")
        BDPythonFound = False
    #End If
End Function

' A Chinese text from its UTF-16 code points, four hex digits each.
Private Function BDText(codes As String) As String
    Dim i As Long
    For i = 1 To Len(codes) Step 4
        BDText = BDText & ChrW(CLng("&H" & Mid(codes, i, 4)))
    Next i
End Function

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
