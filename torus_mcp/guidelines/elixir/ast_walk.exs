# The walk of the guideline AST script (required by ast_facts.exs): one pass over a file's AST
# that collects the facts the rules need.

defmodule TorusMcp.GuidelineWalk do
  @moduledoc false

  alias TorusMcp.GuidelineNames, as: Names

  # Enum functions whose function argument runs once per element.
  @enum_loops ~w(map each reduce reduce_while flat_map filter reject map_reduce flat_map_reduce find
                 find_value find_index any? all? count group_by sort_by uniq_by min_by max_by map_join
                 map_every map_intersperse split_with zip_with frequencies_by chunk_by dedup_by into
                 sum_by with_index each_with_index filter_map partition)a
  @definitions [:def, :defp, :defmacro, :defmacrop, :defguard, :defguardp]
  @directives [:alias, :import, :require, :use]
  @heredoc ["\"\"\"", "'''"]

  @empty %{
    aliases: %{},
    attrs: %{},
    structs: %{},
    modules: [],
    refs: [],
    else_ifs: [],
    defs: [],
    struct_access: [],
    allow_nil: [],
    casts: [],
    sigils: []
  }
  @top %{module: nil, segs: nil, loop: nil, depth: 0}
  @outputs [:modules, :refs, :else_ifs, :defs, :struct_access, :allow_nil, :casts, :sigils]

  @doc "The facts of one parsed file: only the kinds that have entries, in source order."
  def facts(ast) do
    state = walk(ast, @top, @empty)

    for key <- @outputs,
        (items = Map.fetch!(state, key)) != [],
        into: %{},
        do: {key, Enum.reverse(items)}
  end

  # The walk: `cx` flows down (enclosing module, loop), `st` flows through in source order
  # (aliases, attributes, struct-bound variables, and the facts collected so far).

  defp walk({kind, meta, [name, [{:do, body} | _]]}, cx, st)
       when kind in [:defmodule, :defprotocol] do
    enter_module(kind, meta, name, body, cx, st)
  end

  defp walk({:defimpl, meta, [protocol | rest]}, cx, st) do
    options = Enum.flat_map(rest, fn list -> if keywords?(list), do: list, else: [] end)
    target = Keyword.get(options, :for)
    owner = (target && expand(target, cx, st)) || cx.segs
    name = Names.label(protocol, expand(protocol, cx, st))
    st = record(st, :modules, [name, line(meta), col(meta), cx.depth, "defimpl"])
    st = reference(st, protocol, "impl", cx)
    st = if target, do: walk(target, cx, st), else: st

    inner = %{
      cx
      | segs: owner,
        module: owner && Names.dotted(owner),
        depth: cx.depth + 1,
        loop: nil
    }

    saved = st
    st = walk(Keyword.get(options, :do), inner, %{st | attrs: %{}})
    %{st | aliases: saved.aliases, attrs: saved.attrs}
  end

  defp walk({directive, _meta, [target | rest]}, cx, st)
       when directive in @directives and is_list(rest) do
    options = List.first(rest)
    st = directive(directive, target, options, cx, st)

    if keywords?(options),
      do: walk(Keyword.delete(options, :as), cx, st),
      else: walk(rest, cx, st)
  end

  defp walk({:@, _meta, [{:behaviour, _, [target]}]}, cx, st),
    do: reference(st, target, "behaviour", cx)

  defp walk({:@, _meta, [{:behavior, _, [target]}]}, cx, st),
    do: reference(st, target, "behaviour", cx)

  defp walk({:@, _meta, [{name, _, [value]}]}, cx, st) when is_atom(name) do
    st = walk(value, cx, st)

    case fields(value, st) do
      nil -> st
      names -> %{st | attrs: Map.put(st.attrs, name, names)}
    end
  end

  defp walk({:%, _meta, [{:__aliases__, _, _} = name, map]}, cx, st) do
    walk(map, cx, reference(st, name, "struct", cx))
  end

  defp walk({kind, meta, [head | body]}, cx, st) when kind in @definitions do
    st = definition(kind, meta, head, st)
    saved = st.structs
    st = walk(body, cx, walk(head, cx, %{st | structs: %{}}))
    %{st | structs: saved}
  end

  defp walk({:=, _meta, [left, right]} = node, cx, st) do
    st = st |> bind(left, right) |> bind(right, left)
    walk_children(node, cx, st)
  end

  defp walk({:if, meta, [condition, options]}, cx, st) when is_list(options) do
    st =
      case List.keyfind(options, :else, 0) do
        {:else, {:if, inner, [_, _]}} ->
          record(st, :else_ifs, [line(inner), col(inner), line(meta)])

        _ ->
          st
      end

    walk(options, cx, walk(condition, cx, st))
  end

  defp walk({:for, _meta, args}, cx, st) when is_list(args), do: comprehension(args, cx, st)

  defp walk({sigil, meta, [{:<<>>, inner, parts}, _modifiers]}, cx, st)
       when sigil in [:sigil_H, :sigil_E] do
    st = sigil(sigil, meta, inner, parts, st)
    walk(parts, cx, st)
  end

  defp walk({{:., _, [Access, :get]}, _meta, [{var, vmeta, context}, key] = args}, cx, st)
       when is_atom(var) and is_atom(context) do
    st =
      case Map.fetch(st.structs, var) do
        {:ok, {struct, bound_at}} ->
          record(st, :struct_access, [
            Atom.to_string(var),
            struct,
            key_text(key),
            line(vmeta),
            col(vmeta),
            bound_at
          ])

        :error ->
          st
      end

    walk(args, cx, st)
  end

  # Bracket access on anything else: `Access` is not written in the source, so it is no reference.
  defp walk({{:., _, [Access, :get]}, _meta, args}, cx, st), do: walk(args, cx, st)

  defp walk({{:., dot, [receiver, fun]}, meta, args}, cx, st)
       when is_atom(fun) and is_list(args) do
    case receiver_module(receiver, dot, cx, st) do
      nil ->
        walk(args, cx, walk(receiver, cx, st))

      {module, at_line, at_col} ->
        st =
          record(st, :refs, [
            module,
            "call",
            Atom.to_string(fun),
            at_line,
            at_col,
            cx.module,
            cx.loop
          ])

        st = ecto_call(module, fun, meta, at_line, at_col, args, st)
        remote_args(module, fun, args, cx, st)
    end
  end

  defp walk({fun, meta, args}, cx, st) when fun in [:validate_number, :cast] and is_list(args) do
    walk(args, cx, ecto_call("Ecto.Changeset", fun, meta, line(meta), col(meta), args, st))
  end

  defp walk({:__aliases__, _meta, _segments} = name, cx, st),
    do: reference(st, name, "module", cx)

  defp walk({_, _, _} = node, cx, st), do: walk_children(node, cx, st)
  defp walk({left, right}, cx, st), do: walk(right, cx, walk(left, cx, st))
  defp walk(list, cx, st) when is_list(list), do: Enum.reduce(list, st, &walk(&1, cx, &2))
  defp walk(_literal, _cx, st), do: st

  defp walk_children({form, _meta, args}, cx, st) do
    st = if is_atom(form), do: st, else: walk(form, cx, st)
    if is_list(args), do: walk(args, cx, st), else: st
  end

  # ---------------------------------------------------------------------------------------------
  # Modules, directives and references

  defp enter_module(kind, meta, name, body, cx, st) do
    raw = Names.segments(name)
    full = module_segments(name, raw, cx, st)

    st =
      record(st, :modules, [
        Names.label(name, full),
        line(meta),
        col(meta),
        cx.depth,
        Atom.to_string(kind)
      ])

    inner = %{cx | segs: full, module: full && Names.dotted(full), depth: cx.depth + 1, loop: nil}
    # The alias a nested module gets holds inside it as well as after it.
    aliases = nested_alias(st.aliases, raw, cx)
    attrs = st.attrs
    st = walk(body, inner, %{st | aliases: aliases, attrs: %{}})
    %{st | aliases: aliases, attrs: attrs}
  end

  # `defmodule Inner` inside `Outer` defines Outer.Inner and aliases Inner in Outer.
  defp module_segments(name, [first | _] = raw, cx, st) when is_atom(first) do
    cond do
      cx.segs == nil or Map.has_key?(st.aliases, first) -> expand(name, cx, st)
      true -> cx.segs ++ raw
    end
  end

  defp module_segments(name, _raw, cx, st), do: expand(name, cx, st)

  defp nested_alias(aliases, [first | _], %{segs: segs}) when is_atom(first) and is_list(segs),
    do: Map.put(aliases, first, segs ++ [first])

  defp nested_alias(aliases, _raw, _cx), do: aliases

  defp directive(kind, {{:., _, [base, :{}]}, _, children}, _options, cx, st) do
    base = expand(base, cx, st)

    Enum.reduce(children, st, fn child, st ->
      case {base, Names.segments(child)} do
        {[_ | _], [_ | _] = tail} ->
          full = base ++ tail

          st =
            record(st, :refs, [
              Names.dotted(full),
              Atom.to_string(kind),
              nil,
              at(child, :line),
              at(child, :column),
              cx.module,
              cx.loop
            ])

          if kind == :alias, do: put_alias(st, List.last(tail), full), else: st

        _ ->
          st
      end
    end)
  end

  defp directive(kind, target, options, cx, st) do
    st = reference(st, target, Atom.to_string(kind), cx)

    case {kind, expand(target, cx, st)} do
      {:alias, [_ | _] = full} ->
        as = if keywords?(options), do: Keyword.get(options, :as)
        name = if as, do: List.last(Names.segments(as) || [nil]), else: List.last(full)
        if is_atom(name) and name != nil, do: put_alias(st, name, full), else: st

      _ ->
        st
    end
  end

  defp put_alias(st, name, full), do: %{st | aliases: Map.put(st.aliases, name, full)}

  defp reference(st, {:__aliases__, meta, _} = name, kind, cx) do
    case expand(name, cx, st) do
      nil ->
        st

      full ->
        record(st, :refs, [
          Names.dotted(full),
          kind,
          nil,
          line(meta),
          col(meta),
          cx.module,
          cx.loop
        ])
    end
  end

  defp reference(st, atom, kind, cx) when is_atom(atom) and atom not in [nil, true, false] do
    record(st, :refs, [Names.module_name(atom), kind, nil, nil, nil, cx.module, cx.loop])
  end

  defp reference(st, other, _kind, cx), do: walk(other, cx, st)

  defp receiver_module({:__aliases__, meta, _} = name, _dot, cx, st) do
    case expand(name, cx, st) do
      nil -> nil
      full -> {Names.dotted(full), line(meta), col(meta)}
    end
  end

  defp receiver_module({:__MODULE__, meta, context}, _dot, %{module: module}, _st)
       when is_atom(context) and is_binary(module),
       do: {module, line(meta), col(meta)}

  defp receiver_module(atom, dot, _cx, _st)
       when is_atom(atom) and atom not in [nil, true, false] do
    name = Names.module_name(atom)
    column = col(dot)
    start = if is_integer(column), do: max(column - String.length(inspect(atom)), 1)
    {name, line(dot), start}
  end

  defp receiver_module(_other, _dot, _cx, _st), do: nil

  # ---------------------------------------------------------------------------------------------
  # Loops: the function arguments of Enum/Stream calls and a comprehension's per-element parts.

  defp remote_args(module, fun, args, cx, st) do
    if (module == "Enum" and fun in @enum_loops) or module == "Stream" do
      body = %{cx | loop: module <> "." <> Atom.to_string(fun)}

      Enum.reduce(args, st, fn arg, st ->
        walk(arg, if(function?(arg), do: body, else: cx), st)
      end)
    else
      walk(args, cx, st)
    end
  end

  defp function?({:fn, _, _}), do: true
  defp function?({:&, _, _}), do: true
  defp function?(_other), do: false

  defp comprehension(args, cx, st) do
    body = %{cx | loop: "for"}
    {options, clauses} = Enum.split_with(args, &keywords?/1)

    st =
      clauses
      |> Enum.with_index()
      |> Enum.reduce(st, fn
        {{:<-, _, [pattern, source]}, 0}, st ->
          walk(pattern, body, walk(source, cx, st))

        {{:<<>>, _, [{:<-, _, [pattern, source]}]}, 0}, st ->
          walk(pattern, body, walk(source, cx, st))

        {clause, _}, st ->
          walk(clause, body, st)
      end)

    options
    |> Enum.concat()
    |> Enum.reduce(st, fn
      {:do, block}, st -> walk(block, body, st)
      {_option, value}, st -> walk(value, cx, st)
    end)
  end

  # ---------------------------------------------------------------------------------------------
  # Definitions and struct-bound variables

  defp definition(kind, meta, head, st) do
    case call_head(head) do
      {name, name_meta, args} when is_atom(name) ->
        text = Atom.to_string(name)

        if String.starts_with?(text, "is_") do
          arity = if is_list(args), do: length(args), else: 0

          record(st, :defs, [
            Atom.to_string(kind),
            text,
            arity,
            line(name_meta) || line(meta),
            col(name_meta)
          ])
        else
          st
        end

      _ ->
        st
    end
  end

  defp call_head({:when, _, [head | _]}), do: call_head(head)
  defp call_head({name, meta, args}) when is_atom(name) and is_list(meta), do: {name, meta, args}
  defp call_head(_other), do: nil

  defp bind(st, {:%, meta, [name, {:%{}, _, _}]}, {var, _, context})
       when is_atom(var) and is_atom(context) do
    if String.starts_with?(Atom.to_string(var), "_"),
      do: st,
      else: %{st | structs: Map.put(st.structs, var, {Macro.to_string(name), line(meta)})}
  end

  defp bind(st, _pattern, _other), do: st

  defp key_text(key) when is_atom(key), do: inspect(key)
  defp key_text(key) when is_binary(key), do: inspect(key)
  defp key_text(_key), do: nil

  # ---------------------------------------------------------------------------------------------
  # Ecto: validate_number/3 options and the fields cast/3 permits

  defp ecto_call("Ecto.Changeset", :validate_number, _meta, at_line, at_col, args, st) do
    if Enum.any?(args, &(keywords?(&1) and Keyword.has_key?(&1, :allow_nil))),
      do: record(st, :allow_nil, [at_line, at_col]),
      else: st
  end

  defp ecto_call("Ecto.Changeset", :cast, _meta, at_line, at_col, args, st)
       when length(args) in 2..4 do
    case args |> Enum.map(&fields(&1, st)) |> Enum.reject(&is_nil/1) do
      [] -> st
      lists -> record(st, :casts, [at_line, at_col, Enum.concat(lists)])
    end
  end

  defp ecto_call(_module, _fun, _meta, _line, _col, _args, st), do: st

  # A literal list of atoms, ~w(...)a, a module attribute holding one, or a ++ of those.
  defp fields(list, _st) when is_list(list) and list != [] do
    if Enum.all?(list, &(is_atom(&1) and &1 not in [nil, true, false])),
      do: Enum.map(list, &Atom.to_string/1)
  end

  defp fields({:sigil_w, _, [{:<<>>, _, [words]}, modifiers]}, _st) when is_binary(words) do
    if ?a in modifiers, do: String.split(words)
  end

  defp fields({:@, _, [{name, _, context}]}, st) when is_atom(name) and is_atom(context),
    do: Map.get(st.attrs, name)

  defp fields({:++, _, [left, right]}, st) do
    case {fields(left, st), fields(right, st)} do
      {nil, nil} -> nil
      {left, right} -> (left || []) ++ (right || [])
    end
  end

  defp fields(_other, _st), do: nil

  # ---------------------------------------------------------------------------------------------
  # Sigils: ~H content for the HEEx rules (with where its first character is), ~E locations

  defp sigil(:sigil_E, meta, _inner, _parts, st),
    do: record(st, :sigils, ["E", line(meta), col(meta), nil, nil, false, nil])

  defp sigil(:sigil_H, meta, inner, parts, st) do
    if Enum.all?(parts, &is_binary/1) do
      delimiter = Keyword.get(meta, :delimiter, "\"")
      content = IO.iodata_to_binary(parts)

      if delimiter in @heredoc do
        indent = Keyword.get(inner, :indentation, 0)
        record(st, :sigils, ["H", line(meta), col(meta), line(meta) + 1, indent, true, content])
      else
        start = if col(meta), do: col(meta) + 2 + byte_size(delimiter)
        record(st, :sigils, ["H", line(meta), col(meta), line(meta), start, false, content])
      end
    else
      st
    end
  end

  # ---------------------------------------------------------------------------------------------

  defp expand(ast, cx, st), do: Names.expand(ast, cx.segs, st.aliases)

  defp keywords?([{key, _} | _] = list) when is_atom(key),
    do: Enum.all?(list, &match?({k, _} when is_atom(k), &1))

  defp keywords?(_other), do: false

  defp record(st, key, item), do: Map.update!(st, key, &[item | &1])

  defp line(meta), do: Keyword.get(meta, :line)
  defp col(meta), do: Keyword.get(meta, :column)
  defp at({_, meta, _}, key) when is_list(meta), do: Keyword.get(meta, key)
  defp at(_node, _key), do: nil
end
