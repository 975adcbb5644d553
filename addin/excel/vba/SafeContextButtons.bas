Attribute VB_Name = "SafeContextButtons"
' SafeContext add-in: the ribbon buttons and the macros behind them.
'
' Every button on the SafeContext tab calls OnButton; the button's tag names the Python entry
' point in the package addin.excel, which does the work (see docs/excel_addin.md). The same
' macros can be run from any workbook or assigned to a shape:
'     Application.Run "'SafeContext.xlam'!CheckThisForm"
' RunPython, GetConfig, FileExists and PROJECT_NAME come from the module "xlwings" (xlwings'
' own VBA, copied into this add-in by 'safecontext addin build').
Option Explicit

Private pythonChecked As Boolean

Public Sub OnButton(control As IRibbonControl)
    RunEntry control.Tag
End Sub

Public Sub CheckThisForm()
    RunEntry "check_this_form"
End Sub

Public Sub FileThisForm()
    RunEntry "file_this_form"
End Sub

Public Sub NewForm(formId As String)
    ' A blank form of a registered form, e.g. Application.Run "'SafeContext.xlam'!NewForm", "pgi"
    RunEntry "new_" & Replace(formId, "-", "_")
End Sub

Public Sub TermlyMatrix()
    RunEntry "termly_matrix"
End Sub

Public Sub Briefing()
    RunEntry "briefing"
End Sub

Public Sub RestartPython()
    ' Stops the Python that SafeContext keeps running for this Excel session (the add-in's setting
    ' USE UDF SERVER); the next button starts a new one. Run it after upgrading SafeContext.
    #If Not Mac Then
        On Error Resume Next
        KillPy
        On Error GoTo 0
    #End If
    pythonChecked = False
End Sub

Public Sub RunEntry(entry As String)
    ' Runs addin.excel.<entry>() in Python for the active workbook, after checking it can run.
    Dim placeholder As Boolean

    If Not IsEntryName(entry) Then
        MsgBox "SafeContext has no button called '" & entry & "'.", vbExclamation, "SafeContext"
        Exit Sub
    End If
    #If Not Mac Then
        If Not Application.ActiveProtectedViewWindow Is Nothing Then
            MsgBox "This workbook is open in Protected View." & vbCrLf & vbCrLf & _
                   "Click 'Enable Editing' in the yellow bar at the top, then click the button again.", _
                   vbExclamation, "SafeContext"
            Exit Sub
        End If
    #End If
    If ActiveWorkbook Is Nothing Then
        If NeedsForm(entry) Then
            MsgBox "Open the form first (File > Open), then click the button again.", vbExclamation, "SafeContext"
            Exit Sub
        End If
        ' RunPython needs an active workbook; Python closes this empty one again when it is done.
        Workbooks.Add
        placeholder = True
    End If
    If HasOwnPythonSettings(ActiveWorkbook) Then Exit Sub
    If Not PythonReady() Then Exit Sub
    RunPython "import addin.excel as sc; sc." & entry & "(placeholder=" & IIf(placeholder, "True", "False") & ")"
End Sub

Private Function IsEntryName(entry As String) As Boolean
    Dim i As Long, c As String
    If Len(entry) = 0 Or Len(entry) > 40 Then Exit Function
    For i = 1 To Len(entry)
        c = Mid$(entry, i, 1)
        If Not (c Like "[a-z]" Or c = "_") Then Exit Function
    Next i
    IsEntryName = True
End Function

Private Function NeedsForm(entry As String) As Boolean
    NeedsForm = (entry = "check_this_form" Or entry = "file_this_form")
End Function

Private Function HasOwnPythonSettings(wb As Workbook) As Boolean
    ' xlwings reads its settings (which Python to start, and PYTHONPATH) from a sheet of the
    ' active workbook and from a file beside it before its own. A form sent in from outside
    ' must not choose the program that runs on this computer, so such a workbook is refused.
    Dim sht As Object, found As String
    For Each sht In wb.Sheets
        If LCase$(sht.Name) = LCase$(PROJECT_NAME & ".conf") Or LCase$(Right$(sht.Name, 3)) = ".py" Then
            found = "a sheet called '" & sht.Name & "'"
            Exit For
        End If
    Next sht
    If found = "" Then
        On Error Resume Next
        If Len(wb.Path) > 0 And InStr(wb.Path, "://") = 0 Then
            If FileExists(GetDirectoryConfigFilePath()) Then found = "a file " & GetDirectoryConfigFilePath()
        End If
        On Error GoTo 0
    End If
    If found <> "" Then
        MsgBox "SafeContext will not run for this workbook: it comes with " & found & _
               ", which could make Excel start a program of the sender's choosing." & vbCrLf & vbCrLf & _
               "Copy the entries into a blank form (SafeContext > New form), or ask your SafeContext " & _
               "administrator.", vbCritical, "SafeContext"
        HasOwnPythonSettings = True
    End If
End Function

Private Function PythonReady() As Boolean
    ' Starts Python once per Excel session to check that it and SafeContext are installed, so a
    ' missing install shows what to do instead of a Python error.
    #If Mac Then
        PythonReady = True   ' On a Mac, RunPython reports a missing Python itself.
    #Else
        Dim interpreter As String, probe As String, exitCode As Long
        If pythonChecked Then
            PythonReady = True
            Exit Function
        End If
        interpreter = GetConfig("INTERPRETER_WIN", "")
        If interpreter = "" Then interpreter = GetConfig("INTERPRETER", "python")
        If interpreter <> "python" And interpreter <> "pythonw" Then
            If Not FileExists(interpreter) Then
                MsgBox "SafeContext cannot find Python at" & vbCrLf & interpreter & vbCrLf & vbCrLf & _
                       "Ask your IT team to install Python and SafeContext on this computer " & _
                       "(see 'Installing the Excel add-in' in the SafeContext guide).", vbCritical, "SafeContext"
                Exit Function
            End If
        End If
        probe = Chr(34) & interpreter & Chr(34) & " -c " & Chr(34) & _
                "import sys, importlib.util as u; sys.exit(18 if sys.version_info < (3, 11) else " & _
                "0 if u.find_spec('xlwings') and u.find_spec('addin') and u.find_spec('addin.excel') else 17)" & Chr(34)
        On Error GoTo CannotStart
        exitCode = CreateObject("WScript.Shell").Run(probe, 0, True)
        On Error GoTo 0
        If exitCode = 17 Then
            MsgBox "Python is installed (" & interpreter & "), but SafeContext is not installed for it." & _
                   vbCrLf & vbCrLf & "Ask your IT team to install the SafeContext Python package " & _
                   "(see 'Installing the Excel add-in' in the SafeContext guide).", vbCritical, "SafeContext"
            Exit Function
        ElseIf exitCode = 18 Then
            MsgBox "SafeContext needs Python 3.11 or later; " & interpreter & " is older." & vbCrLf & vbCrLf & _
                   "Ask your IT team to install a current Python and SafeContext.", vbCritical, "SafeContext"
            Exit Function
        ElseIf exitCode <> 0 Then
            GoTo CannotStart
        End If
        pythonChecked = True
        PythonReady = True
        Exit Function
CannotStart:
        MsgBox "SafeContext cannot start Python ('" & interpreter & "')." & vbCrLf & vbCrLf & _
               "Ask your IT team to install Python and SafeContext on this computer, or to set the " & _
               "Python to use (see 'Installing the Excel add-in' in the SafeContext guide).", _
               vbCritical, "SafeContext"
    #End If
End Function
