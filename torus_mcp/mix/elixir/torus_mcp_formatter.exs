# An ExUnit formatter that writes each test event as a JSON line to TORUS_MCP_EVENTS_FILE.
# Added beside the normal one with
#   elixir -r torus_mcp_json.exs -r torus_mcp_formatter.exs -S mix test \
#     --formatter TorusMcp.ExUnitFormatter --formatter ExUnit.CLIFormatter
# so the user's project and its test_helper.exs are not edited. Needs TorusMcp.Json only.
defmodule TorusMcp.ExUnitFormatter do
  @moduledoc false
  use GenServer

  @impl true
  def init(_opts), do: {:ok, %{counter: 0}}

  # A crash here would take the user's test run down with it, so every event is guarded and a
  # failure to describe one is written down instead.
  @impl true
  def handle_cast(event, state) do
    {:noreply, handle_event(event, state)}
  catch
    kind, reason ->
      emit(%{
        event: "formatter_error",
        message: Exception.format_banner(kind, reason),
        on: inspect(elem_name(event))
      })

      {:noreply, state}
  end

  defp elem_name(event) when is_tuple(event), do: elem(event, 0)
  defp elem_name(event), do: event

  defp handle_event({:suite_started, opts}, state) do
    emit(%{
      event: "suite_started",
      seed: opts[:seed],
      include: Enum.map(opts[:include] || [], &inspect/1),
      exclude: Enum.map(opts[:exclude] || [], &inspect/1),
      app: app(),
      cwd: File.cwd!(),
      elixir: System.version()
    })

    state
  end

  defp handle_event({:test_finished, %ExUnit.Test{} = test}, state) do
    {state_name, reason, failures} = test_state(test.state)

    counter = if state_name == "failed", do: state.counter + 1, else: state.counter

    formatted =
      if state_name == "failed",
        do:
          format(fn ->
            ExUnit.Formatter.format_test_failure(test, failures, counter, 80, &plain/2)
          end)

    emit(%{
      event: "test_finished",
      state: state_name,
      reason: reason,
      name: Atom.to_string(test.name),
      module: inspect(test.module),
      file: test.tags[:file],
      line: test.tags[:line],
      test_type: test.tags[:test_type],
      describe: test.tags[:describe],
      time_us: test.time,
      failures: Enum.map(failures, &failure(&1, test.tags[:file])),
      formatted: formatted,
      logs: blank_to_nil(test.logs)
    })

    %{state | counter: counter}
  end

  defp handle_event(
         {:module_finished, %ExUnit.TestModule{state: {:failed, failures}} = test_module},
         state
       ) do
    counter = state.counter + 1
    file = Map.get(test_module, :file)

    emit(%{
      event: "module_failed",
      module: inspect(test_module.name),
      file: file,
      failures: Enum.map(failures, &failure(&1, file)),
      formatted:
        format(fn ->
          ExUnit.Formatter.format_test_all_failure(test_module, failures, counter, 80, &plain/2)
        end)
    })

    %{state | counter: counter}
  end

  defp handle_event({:suite_finished, times}, state) when is_map(times) do
    emit(%{
      event: "suite_finished",
      run_us: times[:run],
      load_us: times[:load],
      async_us: times[:async]
    })

    state
  end

  defp handle_event({:suite_finished, run_us, load_us}, state) do
    emit(%{event: "suite_finished", run_us: run_us, load_us: load_us})
    state
  end

  defp handle_event(:max_failures_reached, state) do
    emit(%{event: "max_failures_reached"})
    state
  end

  defp handle_event(_event, state), do: state

  defp emit(map), do: TorusMcp.Json.append(TorusMcp.Json.line(map))

  defp test_state(nil), do: {"passed", nil, []}
  defp test_state({:failed, failures}), do: {"failed", nil, List.wrap(failures)}
  defp test_state({:skipped, reason}), do: {"skipped", to_string(reason), []}
  defp test_state({:excluded, reason}), do: {"excluded", to_string(reason), []}
  defp test_state({:invalid, module}), do: {"invalid", inspect(invalid_module(module)), []}
  defp test_state(other), do: {"unknown", inspect(other), []}

  defp invalid_module(%{name: name}), do: name
  defp invalid_module(module), do: module

  defp failure({kind, reason, stacktrace}, test_file) do
    base = %{
      kind: kind_name(kind),
      exception: exception_name(kind, reason),
      message: message(kind, reason),
      banner: safe(fn -> Exception.format_banner(kind, reason, stacktrace) end),
      stacktrace: Enum.map(stacktrace, &safe(fn -> Exception.format_stacktrace_entry(&1) end)),
      location: location(stacktrace, test_file)
    }

    Map.merge(base, assertion_fields(reason))
  end

  defp assertion_fields(%ExUnit.AssertionError{} = error) do
    no_value = ExUnit.AssertionError.no_value()

    %{
      code: code(error.expr, no_value),
      left: side(error.left, no_value),
      right: side(error.right, no_value),
      doctest: doctest(error)
    }
  end

  defp assertion_fields(_reason), do: %{}

  # (`unless` is avoided throughout: Elixir 1.18 deprecates it, and a warning printed while
  # loading these files would land in the output being parsed.)
  defp side(no_value, no_value), do: nil
  defp side(value, _no_value), do: safe(fn -> inspect(value, pretty: true, width: 80) end)

  # Doctests keep their expression as source text already.
  defp code(no_value, no_value), do: nil
  defp code(expr, _no_value) when is_binary(expr), do: expr
  defp code(expr, _no_value), do: safe(fn -> Macro.to_string(expr) end)

  defp doctest(error) do
    case Map.get(error, :doctest) do
      value when is_binary(value) -> value
      _ -> nil
    end
  end

  defp kind_name(kind) when is_atom(kind), do: Atom.to_string(kind)
  defp kind_name({:EXIT, _pid}), do: "EXIT"
  defp kind_name(kind), do: inspect(kind)

  defp exception_name(:error, %{__exception__: true, __struct__: module}), do: inspect(module)
  defp exception_name(_kind, _reason), do: nil

  defp message(:error, %ExUnit.AssertionError{message: message}), do: message

  defp message(:error, %{__exception__: true} = error),
    do: safe(fn -> Exception.message(error) end)

  defp message(_kind, reason), do: inspect(reason)

  # The frame in the test's own file, which is where ExUnit points too.
  defp location(stacktrace, test_file) when is_binary(test_file) do
    Enum.find_value(stacktrace, fn
      {_module, _fun, _arity, info} when is_list(info) ->
        file = info[:file] && to_string(info[:file])

        if file && Path.expand(file) == Path.expand(test_file),
          do: %{file: file, line: info[:line]}

      _ ->
        nil
    end)
  end

  defp location(_stacktrace, _test_file), do: nil

  defp format(fun) do
    fun.()
  rescue
    _ -> nil
  end

  defp safe(fun) do
    fun.()
  rescue
    _ -> nil
  end

  # ExUnit asks the formatter function for colours and for whether diffs are on; plain text wins.
  defp plain(:diff_enabled?, _default), do: false
  defp plain(_key, text), do: text

  defp blank_to_nil(text) when is_binary(text) and text != "", do: text
  defp blank_to_nil(_), do: nil

  defp app do
    Mix.Project.config()[:app]
  rescue
    _ -> nil
  end
end
