# Run by torus-mcp as `elixir ast_facts.exs FILE...` with the project's own Elixir. It parses each
# file with Code.string_to_quoted/2 and prints one JSON line per file with what the guideline
# rules need (module references, calls inside loops, else-ifs, is_* definitions, struct access,
# Ecto options, ~H/~E sigils), then {"done": N}. A file that does not parse gets an "error" line;
# the other files are still read. It and the files it requires depend on nothing outside Elixir
# and must run without warnings on Elixir 1.14 and later.

for file <- ["json_lines.exs", "module_names.exs", "ast_walk.exs"],
    do: Code.require_file(file, __DIR__)

defmodule TorusMcp.GuidelineFacts do
  @moduledoc false

  def file_line(path, index) do
    fields =
      case File.read(path) do
        {:ok, source} -> facts(source)
        {:error, reason} -> %{error: [1, 1, "cannot read the file: " <> inspect(reason)]}
      end

    [TorusMcp.GuidelineJson.encode(Map.put(fields, :i, index)), ?\n]
  end

  # A construct this script does not expect must cost one file, never the whole run.
  defp facts(source) do
    parse(source)
  rescue
    error -> %{failed: Exception.message(error)}
  end

  defp parse(source) do
    opts = [columns: true, token_metadata: true, emit_warnings: false]

    try do
      Code.string_to_quoted(source, opts)
    rescue
      error -> {:error, {[line: 1, column: 1], Exception.message(error), ""}}
    end
    |> case do
      {:ok, ast} ->
        TorusMcp.GuidelineWalk.facts(ast)

      {:error, {location, message, token}} ->
        {line, column} = location(location)
        %{error: [line, column, error_message(message, token)]}
    end
  end

  defp location(line) when is_integer(line), do: {line, nil}

  defp location(meta) when is_list(meta),
    do: {Keyword.get(meta, :line, 1), Keyword.get(meta, :column)}

  defp location(_other), do: {1, nil}

  defp error_message({prefix, suffix}, token) when is_binary(prefix) and is_binary(suffix),
    do: prefix <> text(token) <> suffix

  defp error_message(message, token) when is_binary(message), do: message <> text(token)
  defp error_message(message, _token), do: inspect(message)

  defp text(token) when is_binary(token), do: token
  defp text(token) when is_list(token), do: List.to_string(token)
  defp text(token), do: inspect(token)
end

paths = System.argv()

paths
|> Enum.with_index()
|> Enum.each(fn {path, index} -> IO.binwrite(TorusMcp.GuidelineFacts.file_line(path, index)) end)

IO.binwrite(["{\"done\":", Integer.to_string(length(paths)), "}\n"])
