# `mix torus_mcp.compile [compile args]`: runs the project's normal `mix compile` with
# `--return-errors` and writes every diagnostic as a JSON line to TORUS_MCP_EVENTS_FILE, then a
# `compile_finished` line (its absence tells the runner the task never got that far).
# Loaded with `elixir -r torus_mcp_json.exs -r torus_mcp_compile.exs -S mix torus_mcp.compile`, so
# the user's project is not edited. Needs TorusMcp.Json; no other dependency.
defmodule Mix.Tasks.TorusMcp.Compile do
  @moduledoc false
  use Mix.Task

  @impl true
  def run(args) do
    # --all-warnings (1.10+, the default from 1.15) makes a no-op compile report the warnings of
    # files it did not recompile, so "zero warnings" is never a false negative.
    args =
      if Enum.any?(args, &(&1 in ["--all-warnings", "--no-all-warnings"])),
        do: args,
        else: args ++ ["--all-warnings"]

    {status, diagnostics} = collect(Mix.Task.run("compile", args ++ ["--return-errors"]))

    lines = Enum.map(diagnostics, &TorusMcp.Json.line(diagnostic(&1)))

    finished = %{
      event: "compile_finished",
      status: status,
      diagnostics: length(diagnostics),
      elixir: System.version(),
      otp: System.otp_release()
    }

    TorusMcp.Json.append([lines, TorusMcp.Json.line(finished)])

    # `--return-errors` makes mix exit 0 even on errors; give the runner the real status.
    if status == :error, do: exit({:shutdown, 1})
    :ok
  end

  # A project returns {status, diagnostics}; an umbrella returns one such result per child app.
  defp collect({status, diagnostics}) when is_atom(status) and is_list(diagnostics),
    do: {status, diagnostics}

  defp collect(results) when is_list(results) do
    collected = Enum.map(results, &collect/1)
    statuses = Enum.map(collected, &elem(&1, 0))

    status =
      cond do
        :error in statuses -> :error
        :ok in statuses -> :ok
        true -> :noop
      end

    {status, Enum.flat_map(collected, &elem(&1, 1))}
  end

  defp collect(status) when is_atom(status), do: {status, []}
  defp collect(_other), do: {:unknown, []}

  defp diagnostic(diagnostic) do
    {line, column, end_line, end_column} = position(Map.get(diagnostic, :position))

    %{
      event: "diagnostic",
      severity: Map.get(diagnostic, :severity),
      file: Map.get(diagnostic, :file),
      line: line,
      column: column,
      end_line: end_line,
      end_column: end_column,
      message: message(Map.get(diagnostic, :message)),
      compiler: Map.get(diagnostic, :compiler_name),
      exception: exception(Map.get(diagnostic, :details)),
      stacktrace: stacktrace(Map.get(diagnostic, :stacktrace))
    }
  end

  defp position(line) when is_integer(line), do: {line, nil, nil, nil}
  defp position({line, column}), do: {line, column, nil, nil}

  defp position({line, column, end_line, end_column}),
    do: {line, column, end_line, end_column}

  defp position(_), do: {nil, nil, nil, nil}

  defp message(message) when is_binary(message), do: message

  defp message(message) do
    IO.chardata_to_string(message)
  rescue
    _ -> inspect(message)
  end

  defp exception({_kind, %{__exception__: true, __struct__: module}}), do: inspect(module)
  defp exception(%{__exception__: true, __struct__: module}), do: inspect(module)
  defp exception(_), do: nil

  defp stacktrace([_ | _] = stacktrace) do
    Exception.format_stacktrace(stacktrace)
  rescue
    _ -> nil
  end

  defp stacktrace(_), do: nil
end
