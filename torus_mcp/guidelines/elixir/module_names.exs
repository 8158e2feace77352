# Module names for the guideline AST script (required by ast_facts.exs): alias expansion as the
# compiler does it lexically (`alias A.B`, `as:`, `__MODULE__`, nested modules), and names as text.

defmodule TorusMcp.GuidelineNames do
  @moduledoc false

  @doc "The segments an alias AST stands for in `current` (module segments) with `aliases`; nil if unknown."
  def expand({:__aliases__, _, [{:__MODULE__, _, context} | rest]}, current, _aliases)
      when is_atom(context) do
    if current && Enum.all?(rest, &is_atom/1), do: current ++ rest
  end

  def expand({:__aliases__, _, [:"Elixir" | rest]}, _current, _aliases), do: rest

  def expand({:__aliases__, _, [first | rest] = segs}, _current, aliases) when is_atom(first) do
    if Enum.all?(rest, &is_atom/1) do
      case Map.fetch(aliases, first) do
        {:ok, full} -> full ++ rest
        :error -> segs
      end
    end
  end

  def expand({:__MODULE__, _, context}, current, _aliases) when is_atom(context), do: current
  def expand(_other, _current, _aliases), do: nil

  def segments({:__aliases__, _, segs}) do
    if Enum.all?(segs, &is_atom/1), do: segs
  end

  def segments(_other), do: nil

  def dotted(segs), do: Enum.map_join(segs, ".", &Atom.to_string/1)

  def label(_name, [_ | _] = full), do: dotted(full)
  def label(name, _full), do: Macro.to_string(name)

  def module_name(atom) do
    case Atom.to_string(atom) do
      "Elixir." <> name -> name
      name -> ":" <> name
    end
  end
end
